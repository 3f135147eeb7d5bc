#include "backend/cluster/k3s_inventory.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QStringList>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

Result<QStringList> addresses(const QJsonObject &outputs, const QString &name)
{
    const QJsonValue value = outputs.value(name).toObject().value(u"value"_s);
    if (!value.isArray())
        return Error {Error::Kind::Invalid, u"Terraform output '%1' is missing or not a list."_s.arg(name)};
    QStringList list;
    for (const QJsonValue &v : value.toArray()) {
        const QString ip = v.toString();
        if (QHostAddress(ip).isNull())
            return Error {Error::Kind::Invalid,
                u"Terraform output '%1' holds '%2', not an IP address."_s.arg(name, ip)};
        list << ip;
    }
    return list;
}

} // namespace

Result<QString> K3sInventory::fromTerraformOutput(
    const QByteArray &outputJson, const QString &sshUser, const QString &privateKeyPath)
{
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(outputJson, &parseError);
    if (!doc.isObject())
        return Error {Error::Kind::Invalid, u"terraform output -json did not print a JSON object."_s,
            parseError.errorString()};
    const QJsonObject outputs = doc.object();
    QStringList lists[4];
    const QString names[4] {
        u"master_public_ips"_s, u"master_internal_ips"_s, u"worker_public_ips"_s, u"worker_internal_ips"_s};
    for (int i = 0; i < 4; ++i) {
        auto list = addresses(outputs, names[i]);
        if (!list)
            return list.error();
        lists[i] = list.value();
    }
    const QStringList &masters = lists[0], &masterInternal = lists[1], &workers = lists[2],
                      &workerInternal = lists[3];
    if (masters.isEmpty())
        return Error {Error::Kind::Invalid, u"Terraform reports no master VM."_s};
    if (masters.size() != masterInternal.size() || workers.size() != workerInternal.size())
        return Error {
            Error::Kind::Invalid, u"Terraform's public and internal address lists differ in length."_s};

    auto host = [](const QString &name, const QString &ip, const QString &internal) {
        return u"%1 ansible_host=%2 internal_ip=%3\n"_s.arg(name, ip, internal);
    };
    QString text = u"# Written by Boutique Control from terraform output; rewritten on every create.\n"_s;
    text += u"[first_master]\n"_s + host(u"master-0"_s, masters[0], masterInternal[0]);
    text += u"\n[joined_masters]\n"_s;
    for (qsizetype i = 1; i < masters.size(); ++i)
        text += host(u"master-%1"_s.arg(i), masters[i], masterInternal[i]);
    text += u"\n[masters:children]\nfirst_master\njoined_masters\n\n[workers]\n"_s;
    for (qsizetype i = 0; i < workers.size(); ++i)
        text += host(u"worker-%1"_s.arg(i), workers[i], workerInternal[i]);
    text
        += u"\n[all:vars]\nansible_user=%1\nansible_ssh_private_key_file=%2\n"_s.arg(sshUser, privateKeyPath);
    return text;
}

} // namespace bc
