#include "backend/orders/password_vault.h"

#include "backend/process/redaction.h"

#include <qt6keychain/keychain.h>

#include <QPointer>

using namespace Qt::StringLiterals;

namespace bc {

namespace {
const QString kService = u"boutique-control/orderlog-db"_s;
}

PasswordVault::PasswordVault(QObject *parent)
    : QObject(parent)
{
}

QHash<QString, QString> &PasswordVault::memory()
{
    static QHash<QString, QString> passwords;
    return passwords;
}

QString PasswordVault::keyFor(const QString &conninfo)
{
    return redactPatterns(conninfo.simplified());
}

void PasswordVault::store(const QString &conninfo, const QString &password, std::function<void(bool)> done)
{
    const QString key = keyFor(conninfo);
    memory().insert(key, password);
    auto *job = new QKeychain::WritePasswordJob(kService); // no parent: a job deleted mid-call crashes in QtKeychain; it deletes itself when done
    job->setInsecureFallback(false); // never a plaintext file
    job->setAutoDelete(true);
    job->setKey(key);
    job->setTextData(password);
    QPointer<PasswordVault> self(this);
    connect(job, &QKeychain::Job::finished, this, [self, done](QKeychain::Job *j) {
        if (self)
            self->m_keychainWorks = j->error() == QKeychain::NoError;
        if (done)
            done(j->error() == QKeychain::NoError);
    });
    job->start();
}

void PasswordVault::remove(const QString &conninfo, std::function<void(bool)> done)
{
    const QString key = keyFor(conninfo);
    memory().remove(key);
    auto *job = new QKeychain::DeletePasswordJob(kService); // no parent, as above
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    QPointer<PasswordVault> self(this);
    connect(job, &QKeychain::Job::finished, this, [self, done](QKeychain::Job *j) {
        // Nothing to delete is as good as deleted.
        const bool gone = j->error() == QKeychain::NoError || j->error() == QKeychain::EntryNotFound;
        if (self && gone)
            self->m_keychainWorks = true;
        if (done)
            done(gone);
    });
    job->start();
}

void PasswordVault::load(const QString &conninfo, std::function<void(std::optional<QString>)> done)
{
    const QString key = keyFor(conninfo);
    auto *job = new QKeychain::ReadPasswordJob(kService); // no parent, as above
    job->setInsecureFallback(false);
    job->setAutoDelete(true);
    job->setKey(key);
    QPointer<PasswordVault> self(this);
    connect(job, &QKeychain::Job::finished, this, [self, key, done](QKeychain::Job *j) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(j);
        if (read->error() == QKeychain::NoError) {
            if (self)
                self->m_keychainWorks = true;
            done(read->textData());
            return;
        }
        const auto it = memory().constFind(key);
        done(it == memory().cend() ? std::nullopt : std::optional<QString>(*it));
    });
    job->start();
}

} // namespace bc
