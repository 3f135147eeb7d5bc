#pragma once

#include <QString>
#include <QStringList>

namespace bc {

// The one place that decides what a secret looks like. Every command line, conninfo, URL and line of
// tool output passes through here before it reaches a log, the console, a banner or a report.
class Redactor
{
public:
    static QString mask() { return QStringLiteral("***"); }

    // Literal values (a password typed in the app, a token read from a file) masked wherever they appear.
    void addSecret(const QString &secret);
    void addSecrets(const QStringList &secrets);
    const QStringList &secrets() const { return m_secrets; }

    QString redactText(QString text) const;
    QStringList redactArguments(const QStringList &args) const;

private:
    QStringList m_secrets;
};

// Pattern rules alone (no literal secrets): flags such as --password, conninfo password=, user:pass@ in
// URLs, Authorization headers, PGPASSWORD= and similar assignments.
QString redactPatterns(QString text);
QStringList redactArgumentList(QStringList args);

// POSIX shell quoting, so a printed command line can be pasted back into a shell unchanged.
QString shellQuote(const QString &word);
QString shellJoin(const QString &program, const QStringList &args);

} // namespace bc
