#pragma once

// Shared by the storefront tests: a sandbox with the minimal manifest applied and the storefront
// URL read back from the frontend-external Service, as a user would find it.

#include "tests/sandbox/sandbox_fixture.h"

#include <httplib.h>

#include <QJsonArray>
#include <QString>

namespace bc::test {

inline QString manifest(const char *name)
{
    return QStringLiteral(BC_SOURCE_DIR "/manifests/") + QString::fromLatin1(name);
}

// Applies the minimal manifest (+ extra files) and waits for the LoadBalancer's address and a 200 on /.
inline bool deployBoutique(SandboxFixture &sb, const QStringList &extraFiles, QString &url, QString *why)
{
    QStringList args{QStringLiteral("apply"), QStringLiteral("-f"), manifest("minimal.yaml")};
    for (const QString &f : extraFiles)
        args << QStringLiteral("-f") << f;
    const KubectlResult applied = sb.kubectl(args);
    if (!applied.ok()) {
        *why = QStringLiteral("kubectl apply failed: ") + applied.errText();
        return false;
    }
    const bool gotIp = SandboxFixture::waitFor(
        [&] {
            const QJsonObject svc = sb.json({QStringLiteral("get"), QStringLiteral("svc"), QStringLiteral("frontend-external")});
            const QJsonArray ingress = svc[u"status"].toObject()[u"loadBalancer"].toObject()[u"ingress"].toArray();
            const QString ip = ingress.isEmpty() ? QString() : ingress[0].toObject()[u"ip"].toString();
            const int port = svc[u"spec"].toObject()[u"ports"].toArray()[0].toObject()[u"port"].toInt();
            if (ip.isEmpty() || port <= 0)
                return false;
            url = QStringLiteral("http://%1:%2").arg(ip).arg(port);
            return true;
        },
        30000);
    if (!gotIp) {
        *why = QStringLiteral("frontend-external got no LoadBalancer address within 30 s");
        return false;
    }
    if (!url.startsWith(QStringLiteral("http://127."))) {
        *why = QStringLiteral("not a loopback address: ") + url;
        return false;
    }
    const bool up = SandboxFixture::waitFor(
        [&] {
            httplib::Client c(url.toStdString());
            c.set_connection_timeout(1);
            const auto r = c.Get("/");
            return r && r->status == 200;
        },
        30000);
    if (!up)
        *why = QStringLiteral("the storefront at %1 did not answer 200 on / within 30 s").arg(url);
    return up;
}

} // namespace bc::test
