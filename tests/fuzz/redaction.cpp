// Redaction never lets a registered secret through: not in a line, not in an argument list, and not
// when the output arrives cut into pieces at any byte (CommandRunner redacts whole lines it assembles).
// Input: the secret on the first line, then the text it is hidden in (it goes in at a drawn place).
#include "backend/process/redaction.h"

#include "tests/fuzz/fuzz_input.h"

#include <cstdio>
#include <cstdlib>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view in = bc::fuzz::bytes(data, size);
    const auto nl = in.find('\n');
    if (nl == std::string_view::npos)
        return 0;
    // Secrets as the app registers them: passwords and tokens, no line breaks, not the mask itself.
    QString secret = QString::fromUtf8(in.data(), qsizetype(nl)).remove(u'\r');
    secret.remove(QChar(u'*'));
    if (secret.trimmed().size() < 4)
        return 0;
    bc::Redactor redactor;
    redactor.addSecret(secret);

    const QString rest = QString::fromUtf8(in.data() + nl + 1, qsizetype(in.size() - nl - 1));
    bc::fuzz::Dice dice(in);
    const qsizetype at = rest.isEmpty() ? 0 : dice.next(unsigned(rest.size() + 1));
    const QString before = rest.left(at);
    const QString after = rest.mid(at);
    const QString text = before + secret + after;
    for (const QString &line : text.split(u'\n')) {
        const QString out = redactor.redactText(line);
        if (out.contains(secret)) {
            std::fprintf(stderr, "secret passed redaction in a line\n");
            std::abort();
        }
    }
    const QStringList args = redactor.redactArguments({before, secret, before + secret, QStringLiteral("--password=") + secret});
    for (const QString &arg : args)
        if (arg.contains(secret)) {
            std::fprintf(stderr, "secret passed redaction in an argument\n");
            std::abort();
        }
    return 0;
}
