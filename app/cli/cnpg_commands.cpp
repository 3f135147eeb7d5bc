// `cnpg`: the Order log panel's CloudNativePG actions, headless (issue 20 point 6). The database
// password is read from a file, never from the command line (other users can read argv).
#include "app/cli/commands.h"

#include "app/cli/kube_options.h"
#include "backend/orders/cnpg_controller.h"
#include "backend/process/run_context.h"

#include <QFile>

using namespace Qt::StringLiterals;

namespace bc::cli {

namespace {

KubeClient::Done<QString> printed(CliCall &call, const QString &done)
{
    return [&call, done](const Result<QString> &r) {
        if (!r) {
            call.fail(r.error());
            return;
        }
        if (!call.context()->dryRun()) {
            if (!r.value().trimmed().isEmpty())
                call.out() << r.value().trimmed() << Qt::endl;
            if (!done.isEmpty())
                call.out() << done << Qt::endl;
        }
        call.finish(0);
    };
}

void create(CliCall &call, CnpgController *cnpg, const QString &passwordFile, const QString &keyFile)
{
    QFile file(passwordFile);
    if (passwordFile.isEmpty() || !file.open(QIODevice::ReadOnly)) {
        call.fail(passwordFile.isEmpty() ? u"create needs --password-file FILE (the database password)"_s
                                         : u"cannot read the password file %1: %2"_s.arg(passwordFile, file.errorString()),
            2);
        return;
    }
    const QString password = QString::fromUtf8(file.readLine()).trimmed();
    const bool backups = !cnpg->bucket().isEmpty();
    if (backups && keyFile.isEmpty()) {
        call.fail(u"backups to GCS need --key-file (the bucket's service-account key), or give --no-backups"_s, 2);
        return;
    }
    auto secretAndCluster = [&call, cnpg, password, backups] {
        cnpg->createDatabaseSecret(u"orderlog-db"_s, password, [&call, cnpg, backups](const Result<QString> &r) {
            if (!r) {
                call.fail(r.error());
                return;
            }
            cnpg->createCluster(printed(call,
                backups ? u"cluster orderlog-db and its daily backup created"_s : u"cluster orderlog-db created, without backups"_s));
        });
    };
    if (!backups) {
        secretAndCluster();
        return;
    }
    cnpg->createBackupCredentials(keyFile, [&call, secretAndCluster](const Result<QString> &r) {
        if (!r)
            call.fail(r.error());
        else
            secretAndCluster();
    });
}

void cnpgCommand(CliCall &call)
{
    QCommandLineParser parser;
    KubeOptions kube;
    kube.addTo(parser);
    const QCommandLineOption url(u"operator-url"_s, u"install-operator: the CloudNativePG release manifest (https:// or a file)."_s,
        u"URL"_s, QString::fromLatin1(CnpgController::kDefaultOperatorUrl));
    const QCommandLineOption bucket(u"bucket"_s, u"create, restore: the GCS bucket of the backups."_s, u"BUCKET"_s,
        u"orderlog-backups"_s);
    const QCommandLineOption noBackups(u"no-backups"_s, u"create: a cluster without backups (no bucket, no key)."_s);
    const QCommandLineOption keyFile(u"key-file"_s, u"create: the bucket's service-account JSON key."_s, u"FILE"_s);
    const QCommandLineOption passwordFile(u"password-file"_s, u"create: a file whose first line is the database password."_s,
        u"FILE"_s);
    const QCommandLineOption cluster(u"cluster"_s, u"backup: the cluster to back up (default orderlog-db)."_s, u"NAME"_s,
        u"orderlog-db"_s);
    for (const auto &o : {url, bucket, noBackups, keyFile, passwordFile, cluster})
        parser.addOption(o);
    if (!call.parse(parser,
            u"The order log's PostgreSQL on the cluster (CloudNativePG), as in the Order log panel.\n\n"
            "  install-operator   apply the operator's release manifest (server-side)\n"
            "  create             the database Secret, Cluster orderlog-db and its daily ScheduledBackup\n"
            "  backup             a Backup of the cluster now\n"
            "  backups            list the Backups and their phase\n"
            "  restore NAME       a new Cluster NAME bootstrapped from the backups; orderlog then writes to it"_s,
            u"ACTION [NAME]"_s))
        return;
    const QStringList args = parser.positionalArguments();
    const QString action = args.value(0);
    auto *cnpg = new CnpgController(call.context(), kube.target(parser), &call);
    cnpg->setBucket(parser.isSet(noBackups) ? QString() : parser.value(bucket));
    const auto alone = [&] {
        if (args.size() == 1)
            return true;
        call.fail(u"%1 takes no further argument"_s.arg(action), 2);
        return false;
    };
    if (action == u"install-operator") {
        if (alone())
            cnpg->installOperator(parser.value(url), printed(call, {}));
    } else if (action == u"create") {
        if (alone())
            create(call, cnpg, parser.value(passwordFile), parser.value(keyFile));
    } else if (action == u"backup") {
        if (alone())
            cnpg->backupNow(parser.value(cluster), [&call](const Result<QString> &r) {
                if (!r)
                    return call.fail(r.error());
                if (!call.context()->dryRun())
                    call.out() << u"backup %1 requested"_s.arg(r.value()) << Qt::endl;
                call.finish(0);
            });
    } else if (action == u"backups") {
        if (alone())
            cnpg->listBackups([&call](const Result<QList<CnpgBackup>> &r) {
                if (call.context()->dryRun())
                    return call.finish(0); // kubectl did not run: nothing to read
                if (!r)
                    return call.fail(r.error());
                for (const CnpgBackup &b : r.value())
                    call.out() << u"%1  %2  %3  %4"_s.arg(b.name, b.cluster, b.phase.isEmpty() ? u"pending"_s : b.phase,
                                      b.stoppedAt.isValid() ? b.stoppedAt.toString(Qt::ISODate) : b.error)
                                      .trimmed()
                               << Qt::endl;
                call.out() << u"%1 backups"_s.arg(r.value().size()) << Qt::endl;
                call.finish(0);
            });
    } else if (action == u"restore") {
        if (args.size() != 2) {
            call.fail(u"usage: boutique-control cnpg restore NAME"_s, 2);
            return;
        }
        const QString name = args[1];
        cnpg->restore(name, [&call, cnpg, name](const Result<QString> &r) {
            if (!r)
                return call.fail(r.error());
            cnpg->switchOrderlog(name, printed(call, u"cluster %1 is restoring; orderlog now writes to %1-rw"_s.arg(name)));
        });
    } else {
        call.fail(action.isEmpty() ? u"missing action (see: boutique-control cnpg --help)"_s
                                   : u"unknown action '%1' (see: boutique-control cnpg --help)"_s.arg(action),
            2);
    }
}

} // namespace

QList<CommandSpec> cnpgCommands()
{
    return {{u"cnpg"_s, u"The order log's PostgreSQL on the cluster: operator, create, backup, list, restore."_s,
        cnpgCommand}};
}

} // namespace bc::cli
