#pragma once
// Files the backend tests hand to the real kubectl and the real boutique-sandbox. Header-only.
//
//     QTemporaryDir dir;
//     const QString kubeconfig = bc::test::kubeconfigWithoutContexts(dir); // kubectl knows no context
//     const QString manifest = bc::test::helloDeployment(dir, 2);           // one Deployment, "hello"
//     session.useSandbox(bc::test::fastSandbox(state.path()));

#include "backend/sandbox/sandbox_controller.h"

#include <QByteArray>
#include <QFile>
#include <QString>
#include <QTemporaryDir>

namespace bc::test {

// Writes `text` to `name` in `dir`; the path, or empty when it cannot.
inline QString writeFile(const QTemporaryDir &dir, const QString &name, const QByteArray &text)
{
    const QString path = dir.filePath(name);
    QFile file(path);
    if (!file.open(QIODevice::WriteOnly) || file.write(text) != text.size())
        return {};
    return path;
}

inline QString kubeconfigWithoutContexts(const QTemporaryDir &dir)
{
    return writeFile(dir, QStringLiteral("config"),
        "apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n");
}

// A Deployment "hello" (label app=hello) of `replicas` pause containers.
inline QString helloDeployment(const QTemporaryDir &dir, int replicas = 1)
{
    return writeFile(dir, QStringLiteral("hello.yaml"),
        QByteArray("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: hello\n  labels: {app: hello}\n"
                   "spec:\n  replicas: ")
            + QByteArray::number(replicas)
            + "\n  selector:\n    matchLabels: {app: hello}\n  template:\n    metadata:\n      labels: {app: hello}\n"
              "    spec:\n      containers:\n      - name: hello\n        image: registry.k8s.io/pause:3.9\n");
}

// The sandbox with fast pods (1 s start delay, time scale 0.25), its state in `stateDirectory`.
inline SandboxOptions fastSandbox(const QString &stateDirectory)
{
    SandboxOptions options;
    options.stateDirectory = stateDirectory;
    options.podStartDelaySeconds = 1;
    options.timeScale = 0.25;
    return options;
}

} // namespace bc::test
