#include "backend/sandbox/local_database_setup.h"

#include "backend/sandbox/local_database.h"

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QRandomGenerator>
#include <QTcpServer>

#include <optional>

#include <pwd.h>
#include <unistd.h>

using namespace Qt::StringLiterals;
using namespace std::chrono_literals;

namespace bc {

namespace {

bool runningAsRoot()
{
    return ::geteuid() == 0;
}

// The uid/gid of `postgres`, or nothing when there is no such user.
std::optional<std::pair<uid_t, gid_t>> postgresUser()
{
    const passwd *pw = ::getpwnam("postgres");
    if (!pw)
        return std::nullopt;
    return std::pair{pw->pw_uid, pw->pw_gid};
}

bool giveToPostgres(const QString &path)
{
    const auto user = postgresUser();
    return user && ::chown(QFile::encodeName(path).constData(), user->first, user->second) == 0;
}

// Whether a user other than the owner may pass through every folder on the way to path.
bool othersCanEnter(const QString &path)
{
    QDir dir(QFileInfo(path).absoluteFilePath());
    while (true) {
        const QFileInfo info(dir.absolutePath());
        if (info.exists() && !info.permission(QFile::ExeOther))
            return false;
        if (dir.isRoot() || !dir.cdUp())
            return true;
    }
}

const QString kRootFallback = u"/var/lib/postgresql/boutique-control"_s;

// The fallback folders of sandbox directories that no longer exist (a test's temporary HOME, say):
// nothing can reach their data any more, so it goes, unless a server still runs there.
void removeOrphanedFallbacks()
{
    for (const QFileInfo &entry : QDir(kRootFallback).entryInfoList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        QFile owner(entry.filePath() + u"/sandbox-directory"_s);
        if (!owner.open(QIODevice::ReadOnly))
            continue;
        const QString directory = QString::fromUtf8(owner.readAll()).trimmed();
        if (!directory.isEmpty() && !QFileInfo::exists(directory)
            && !QFileInfo::exists(entry.filePath() + u"/data/postmaster.pid"_s))
            QDir(entry.filePath()).removeRecursively();
    }
}

} // namespace

LocalDatabaseSetup::LocalDatabaseSetup(const QString &sandboxDirectory)
    : m_sandboxDirectory(sandboxDirectory), m_root(rootFor(sandboxDirectory))
{
}

QString LocalDatabaseSetup::binDirectory()
{
    const QString fromEnv = qEnvironmentVariable("BC_PG_BIN");
    return fromEnv.isEmpty() ? u"/usr/lib/postgresql/15/bin"_s : fromEnv;
}

QString LocalDatabaseSetup::rootFor(const QString &sandboxDirectory)
{
    const QString inside = QDir(sandboxDirectory).absoluteFilePath(u"postgres"_s);
    if (!runningAsRoot() || othersCanEnter(sandboxDirectory))
        return inside;
    const QByteArray key = QCryptographicHash::hash(QFile::encodeName(QDir(sandboxDirectory).absolutePath()),
                                                    QCryptographicHash::Sha256).toHex().left(12);
    return kRootFallback + u"/sandbox-%1"_s.arg(QString::fromLatin1(key));
}

QString LocalDatabaseSetup::passwordFileFor(const QString &sandboxDirectory)
{
    return QDir(sandboxDirectory).absoluteFilePath(u"orderlog-db.password"_s);
}

Result<QString> LocalDatabaseSetup::loadOrCreatePassword(const QString &path)
{
    QFile file(path);
    constexpr auto ownerOnly = QFile::ReadOwner | QFile::WriteOwner;
    if (file.exists()) {
        if (!file.open(QIODevice::ReadOnly))
            return Error{Error::Kind::Failed, u"Cannot read %1: %2"_s.arg(path, file.errorString())};
        if (file.permissions() & ~(ownerOnly | QFile::ReadUser | QFile::WriteUser))
            file.setPermissions(ownerOnly);
        const QString kept = QString::fromLatin1(file.readAll()).trimmed();
        if (kept.size() >= 16)
            return kept;
        file.close();
        file.remove();
    }
    static constexpr char alphabet[] = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
    QString password;
    for (int i = 0; i < 32; ++i)
        password += QLatin1Char(alphabet[QRandomGenerator::system()->bounded(int(sizeof alphabet) - 1)]);
    if (!file.open(QIODevice::WriteOnly | QIODevice::NewOnly) || !file.setPermissions(ownerOnly)
        || file.write(password.toLatin1() + '\n') < 0 || !file.flush())
        return Error{Error::Kind::Failed, u"Cannot write the database password file %1: %2"_s.arg(path, file.errorString())};
    return password;
}

bool LocalDatabaseSetup::isReadyLine(const QString &serverLine)
{
    return serverLine.contains(u"database system is ready to accept connections"_s);
}

bool LocalDatabaseSetup::isBindFailure(const QString &serverOutput)
{
    return serverOutput.contains(u"could not bind"_s);
}

quint16 LocalDatabaseSetup::freeLoopbackPort()
{
    QTcpServer probe;
    return probe.listen(QHostAddress::LocalHost, 0) ? probe.serverPort() : 0;
}

Status LocalDatabaseSetup::checkTools()
{
    for (const char *tool : {"initdb", "postgres", "psql"}) {
        const QFileInfo info(binDirectory() + u'/' + QLatin1String(tool));
        if (!info.isExecutable())
            return Error{Error::Kind::Unavailable,
                         u"PostgreSQL 15 is not installed: %1 was not found. Install the Debian package "
                         "postgresql-15 (the sandbox's order database runs on it)."_s.arg(info.filePath())};
    }
    if (runningAsRoot() && !postgresUser())
        return Error{Error::Kind::Unavailable,
                     u"PostgreSQL does not run as root and there is no `postgres` user to run it as."_s};
    return ok();
}

Status LocalDatabaseSetup::prepare()
{
    QDir().mkpath(m_sandboxDirectory);
    const auto password = loadOrCreatePassword(passwordFile());
    if (!password)
        return password.error();
    m_password = password.value();
    if (!QDir().mkpath(m_root))
        return Error{Error::Kind::Failed, u"Cannot create the database folder %1."_s.arg(m_root)};
    QFile::setPermissions(m_root, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    if (runningAsRoot() && !giveToPostgres(m_root))
        return Error{Error::Kind::Failed, u"Cannot hand the database folder %1 to the postgres user."_s.arg(m_root)};
    if (m_root.startsWith(kRootFallback)) {
        removeOrphanedFallbacks();
        QFile owner(m_root + u"/sandbox-directory"_s);
        if (owner.open(QIODevice::WriteOnly | QIODevice::Truncate))
            owner.write(QDir(m_sandboxDirectory).absolutePath().toUtf8() + '\n');
    }
    return ok();
}

bool LocalDatabaseSetup::isInitialized() const
{
    return QFileInfo::exists(dataDirectory() + u"/PG_VERSION"_s);
}

LocalDatabaseAccess LocalDatabaseSetup::access(quint16 port) const
{
    return LocalDatabaseAccess{port, m_password};
}

Command LocalDatabaseSetup::asServerUser(const QString &tool, const QStringList &args) const
{
    const QString program = binDirectory() + u'/' + tool;
    Command command = runningAsRoot() ? Command{u"runuser"_s, QStringList{u"-u"_s, u"postgres"_s, u"--"_s, program} + args}
                                      : Command{program, args};
    command.workingDirectory = m_root; // the server's user may not be able to enter the app's directory
    command.environment.insert(u"LC_ALL"_s, u"C.UTF-8"_s);
    if (!m_password.isEmpty())
        command.secrets = {m_password};
    return command;
}

Command LocalDatabaseSetup::initdb() const
{
    Command command = asServerUser(u"initdb"_s, {u"-D"_s, dataDirectory(), u"-U"_s, u"postgres"_s, u"--auth=trust"_s,
                                                 u"-E"_s, u"UTF8"_s, u"--locale=C.UTF-8"_s});
    command.timeout = 2min;
    return command;
}

Status LocalDatabaseSetup::writeAccessRules() const
{
    QFile hba(dataDirectory() + u"/pg_hba.conf"_s);
    if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate)
        || hba.write("# Written by boutique-control on every start.\n"
                     "local all postgres trust\n"
                     "host orderlog orderlog 127.0.0.1/32 scram-sha-256\n") < 0)
        return Error{Error::Kind::Failed, u"Cannot write %1: %2"_s.arg(hba.fileName(), hba.errorString())};
    hba.close();
    if (runningAsRoot())
        giveToPostgres(hba.fileName());
    return ok();
}

Command LocalDatabaseSetup::server(quint16 port) const
{
    Command command = asServerUser(
        u"postgres"_s, {u"-D"_s, dataDirectory(), u"-p"_s, QString::number(port), u"-k"_s, m_root, u"-c"_s,
                        u"listen_addresses=127.0.0.1"_s, u"-c"_s, u"unix_socket_permissions=0700"_s, u"-c"_s,
                        u"password_encryption=scram-sha-256"_s, u"-c"_s, u"max_connections=40"_s, u"-c"_s,
                        u"shared_buffers=32MB"_s, u"-c"_s, u"logging_collector=off"_s});
    command.timeout = 0ms;
    return command;
}

Command LocalDatabaseSetup::setUpRole(quint16 port) const
{
    Command command = asServerUser(u"psql"_s, {u"-X"_s, u"-q"_s, u"-v"_s, u"ON_ERROR_STOP=1"_s, u"-h"_s, m_root, u"-p"_s,
                                               QString::number(port), u"-U"_s, u"postgres"_s, u"-d"_s,
                                               u"postgres"_s, u"-f"_s, u"-"_s});
    // On stdin, never on the command line. The password has only letters and digits.
    command.standardInput
        = "SELECT 'CREATE ROLE orderlog LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'orderlog')\\gexec\n"
          "ALTER ROLE orderlog LOGIN PASSWORD '"
        + m_password.toLatin1()
        + "';\n"
          "SELECT 'CREATE DATABASE orderlog OWNER orderlog' WHERE NOT EXISTS "
          "(SELECT 1 FROM pg_database WHERE datname = 'orderlog')\\gexec\n";
    command.timeout = 30s;
    return command;
}

} // namespace bc
