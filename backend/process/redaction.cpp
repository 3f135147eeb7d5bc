#include "backend/process/redaction.h"

#include <QRegularExpression>
#include <QSet>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

const QSet<QString> &secretFlags()
{
    static const QSet<QString> flags{u"--password"_s,     u"--token"_s,          u"--client-key"_s,
                                     u"--client-secret"_s, u"--access-token"_s,   u"--secret"_s,
                                     u"--api-key"_s,       u"--private-key"_s,    u"--db-password"_s,
                                     u"--auth-token"_s,    u"--key-file-contents"_s};
    return flags;
}

struct PatternRule
{
    QRegularExpression pattern;
    QString replacement;
};

const QList<PatternRule> &patternRules()
{
    static const QList<PatternRule> rules{
        // libpq conninfo: password=secret or password='se cret'
        {QRegularExpression(uR"((\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s]+))"_s,
                            QRegularExpression::CaseInsensitiveOption),
         u"\\1***"_s},
        // URLs with credentials: scheme://user:pass@host
        {QRegularExpression(uR"(([a-zA-Z][a-zA-Z0-9+.-]*://[^/\s:@]*:)[^@\s/]+@)"_s), u"\\1***@"_s},
        // HTTP Authorization headers and bearer tokens
        {QRegularExpression(uR"((\bAuthorization:\s*(?:Bearer|Basic)\s+)\S+)"_s,
                            QRegularExpression::CaseInsensitiveOption),
         u"\\1***"_s},
        {QRegularExpression(uR"((\bBearer\s+)[A-Za-z0-9\-._~+/]{8,}=*)"_s), u"\\1***"_s},
        // Environment-style assignments of well-known secret variables
        {QRegularExpression(
             uR"((\b(?:PGPASSWORD|POSTGRES_PASSWORD|[A-Z_]*TOKEN|[A-Z_]*SECRET|[A-Z_]*API_KEY)=)\S+)"_s),
         u"\\1***"_s},
        // --password=secret and --token secret inside free text
        {QRegularExpression(
             uR"((--(?:password|token|client-key|client-secret|access-token|secret|api-key|private-key|db-password|auth-token)(?:=|\s+))\S+)"_s),
         u"\\1***"_s},
        // PEM blocks (a service-account key pasted into a log line)
        {QRegularExpression(uR"(-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$))"_s),
         u"-----BEGIN PRIVATE KEY----- *** -----END PRIVATE KEY-----"_s},
        // JSON key files: "private_key": "..."
        {QRegularExpression(uR"(("private_key"\s*:\s*")(?:[^"\\]|\\.)*")"_s), u"\\1***\""_s},
    };
    return rules;
}

} // namespace

void Redactor::addSecret(const QString &secret)
{
    // Very short values would mask ordinary words; such a value is not a credential worth the noise.
    if (secret.size() < 3 || m_secrets.contains(secret))
        return;
    m_secrets.append(secret);
    // Longest first, so a secret that contains another is masked whole.
    std::sort(m_secrets.begin(), m_secrets.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

void Redactor::addSecrets(const QStringList &secrets)
{
    for (const QString &s : secrets)
        addSecret(s);
}

QString Redactor::redactText(QString text) const
{
    for (const QString &secret : m_secrets)
        text.replace(secret, mask());
    return redactPatterns(std::move(text));
}

QStringList Redactor::redactArguments(const QStringList &args) const
{
    QStringList out = redactArgumentList(args);
    for (QString &a : out)
        a = redactText(a);
    return out;
}

QString redactPatterns(QString text)
{
    for (const PatternRule &rule : patternRules())
        text.replace(rule.pattern, rule.replacement);
    return text;
}

QStringList redactArgumentList(QStringList args)
{
    for (qsizetype i = 0; i < args.size(); ++i) {
        const qsizetype eq = args[i].indexOf(u'=');
        if (eq > 0 && secretFlags().contains(args[i].left(eq)))
            args[i] = args[i].left(eq + 1) + Redactor::mask();
        else if (secretFlags().contains(args[i]) && i + 1 < args.size())
            args[++i] = Redactor::mask();
        else
            args[i] = redactPatterns(args[i]);
    }
    return args;
}

QString shellQuote(const QString &word)
{
    if (word.isEmpty())
        return u"''"_s;
    static const QRegularExpression safe(uR"(^[A-Za-z0-9_@%+=:,./-]+$)"_s);
    if (safe.match(word).hasMatch())
        return word;
    QString quoted = word;
    quoted.replace(u"'"_s, u"'\\''"_s);
    return u'\'' + quoted + u'\'';
}

QString shellJoin(const QString &program, const QStringList &args)
{
    QStringList words{shellQuote(program)};
    for (const QString &a : args)
        words.append(shellQuote(a));
    return words.join(u' ');
}

} // namespace bc
