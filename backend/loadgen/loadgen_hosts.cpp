#include "backend/loadgen/loadgen_hosts.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

bool isAddress(const QString &text)
{
    return !QHostAddress(text).isNull();
}

Status checkAddresses(const LoadgenHosts &h)
{
    QStringList all {h.bastionIp, h.masterIp};
    all += h.workerIps;
    for (const QString &ip : std::as_const(all))
        if (!isAddress(ip))
            return Error {Error::Kind::Invalid, u"terraform output: '%1' is not an IP address"_s.arg(ip)};
    if (h.sshUser.isEmpty())
        return Error {Error::Kind::Invalid, u"terraform output: ssh_user is empty"_s};
    if (h.sshPort < 1 || h.sshPort > 65535)
        return Error {Error::Kind::Invalid, u"terraform output: ssh_port %1 is not a port"_s.arg(h.sshPort)};
    return ok();
}

} // namespace

Result<LoadgenHosts> LoadgenHosts::fromTerraformOutput(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(json, &parseError);
    if (!doc.isObject())
        return Error {Error::Kind::Invalid,
            u"terraform output -json is not a JSON object: %1"_s.arg(parseError.errorString())};
    const QJsonObject o = doc.object();
    const auto value
        = [&o](const char *key) { return o.value(QLatin1String(key)).toObject().value(u"value"_s); };
    for (const char *key : {"bastion_ip", "master_ip", "worker_ips", "ssh_user"})
        if (value(key).isUndefined())
            return Error {Error::Kind::Invalid,
                u"terraform output has no %1: is this the infra/loadgen configuration, and was it applied?"_s
                    .arg(QLatin1String(key))};
    LoadgenHosts h;
    h.bastionIp = value("bastion_ip").toString();
    h.masterIp = value("master_ip").toString();
    for (const QJsonValue &ip : value("worker_ips").toArray())
        h.workerIps << ip.toString();
    h.sshUser = value("ssh_user").toString();
    h.sshPort = value("ssh_port").isUndefined() ? 22 : value("ssh_port").toInt();
    if (Status s = checkAddresses(h); !s)
        return s.error();
    return h;
}

QByteArray LoadgenHosts::toJson() const
{
    const QJsonObject o {
        {u"bastion_ip"_s, bastionIp},
        {u"master_ip"_s, masterIp},
        {u"worker_ips"_s, QJsonArray::fromStringList(workerIps)},
        {u"ssh_user"_s, sshUser},
        {u"ssh_port"_s, sshPort},
        {u"web_port"_s, webPort},
        {u"locust_home"_s, locustHome},
    };
    return QJsonDocument(o).toJson();
}

Result<LoadgenHosts> LoadgenHosts::fromJson(const QByteArray &json)
{
    const QJsonDocument doc = QJsonDocument::fromJson(json);
    if (!doc.isObject())
        return Error {Error::Kind::Invalid, u"hosts.json is not a JSON object"_s};
    const QJsonObject o = doc.object();
    LoadgenHosts h;
    h.bastionIp = o.value(u"bastion_ip"_s).toString();
    h.masterIp = o.value(u"master_ip"_s).toString();
    for (const QJsonValue &ip : o.value(u"worker_ips"_s).toArray())
        h.workerIps << ip.toString();
    h.sshUser = o.value(u"ssh_user"_s).toString();
    h.sshPort = o.value(u"ssh_port"_s).toInt(22);
    h.webPort = o.value(u"web_port"_s).toInt(8089);
    h.locustHome = o.value(u"locust_home"_s).toString(u"/opt/locust"_s);
    if (Status s = checkAddresses(h); !s)
        return s.error();
    return h;
}

QString LoadgenHosts::inventory(const QString &sshConfigPath) const
{
    QString ini = u"# Written by boutique-control from `terraform output -json` of infra/loadgen.\n"_s;
    ini += u"[bastion]\nbastion ansible_host=%1\n\n[master]\nmaster ansible_host=%2\n\n[workers]\n"_s.arg(
        bastionIp, masterIp);
    for (int i = 0; i < workerIps.size(); ++i)
        ini += u"%1 ansible_host=%2\n"_s.arg(workerName(i), workerIps[i]);
    ini += u"\n[loadgen:children]\nmaster\nworkers\n\n[all:vars]\n"_s;
    ini += u"ansible_user=%1\nansible_port=%2\nansible_python_interpreter=/usr/bin/python3\n"_s.arg(sshUser)
               .arg(sshPort);
    ini += u"ansible_ssh_common_args=-F %1\n"_s.arg(sshConfigPath);
    return ini;
}

QString LoadgenHosts::sshConfig(const QString &privateKeyPath, const QString &knownHostsPath) const
{
    const QString common
        = u"  Port %1\n  User %2\n  IdentityFile %3\n  IdentitiesOnly yes\n  BatchMode yes\n"
          u"  ConnectTimeout 10\n  ServerAliveInterval 5\n  ServerAliveCountMax 3\n"_s.arg(sshPort)
              .arg(sshUser, privateKeyPath);
    QString config = u"# Written by boutique-control from `terraform output -json` of infra/loadgen.\n"_s;
    config += u"Host bastion\n  HostName %1\n"_s.arg(bastionIp) + common;
    config += u"  UserKnownHostsFile %1\n  StrictHostKeyChecking accept-new\n\n"_s.arg(knownHostsPath);
    // Private addresses of our own subnet, reached only through the checked bastion; a replaced VM
    // comes back with the same address and a new host key.
    config += u"Host %1\n"_s.arg((QStringList {masterIp} + workerIps).join(u' ')) + common;
    config
        += u"  ProxyJump bastion\n  UserKnownHostsFile /dev/null\n  StrictHostKeyChecking no\n  LogLevel ERROR\n"_s;
    return config;
}

} // namespace bc
