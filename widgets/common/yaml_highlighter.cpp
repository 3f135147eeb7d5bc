#include "widgets/common/yaml_highlighter.h"

#include <QGuiApplication>
#include <QPalette>
#include <QRegularExpression>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

bool darkPalette()
{
    return QGuiApplication::palette().color(QPalette::Base).lightness() < 128;
}

QTextCharFormat textFormat(const QColor &light, const QColor &dark, bool bold = false)
{
    QTextCharFormat f;
    f.setForeground(darkPalette() ? dark : light);
    if (bold)
        f.setFontWeight(QFont::Bold);
    return f;
}

} // namespace

YamlHighlighter::YamlHighlighter(QTextDocument *document)
    : QSyntaxHighlighter(document)
{ }

void YamlHighlighter::highlightBlock(const QString &text)
{
    static const QRegularExpression key(u"^(\\s*(?:-\\s+)?)([^\\s:#'\"][^:#]*|\"[^\"]*\"|'[^']*')(:)(?=\\s|$)"_s);
    static const QRegularExpression dash(u"^\\s*(-)(?=\\s|$)"_s);
    static const QRegularExpression number(u"(?<=:\\s|-\\s)\\s*(-?[0-9]+(\\.[0-9]+)?)\\s*$"_s);
    static const QRegularExpression boolean(u"(?<=:\\s|-\\s)\\s*(true|false|null|~)\\s*$"_s);
    static const QRegularExpression quoted(u"\"(?:[^\"\\\\]|\\\\.)*\"|'[^']*'"_s);
    static const QRegularExpression comment(u"(^|\\s)#.*$"_s);

    const QTextCharFormat keyFormat = textFormat(QColor(0x1f, 0x4e, 0x9d), QColor(0x8a, 0xb4, 0xf8), true);
    const QTextCharFormat stringFormat = textFormat(QColor(0x1b, 0x7a, 0x3a), QColor(0x8c, 0xd6, 0x9b));
    const QTextCharFormat numberFormat = textFormat(QColor(0xa0, 0x4a, 0x00), QColor(0xf2, 0xb8, 0x6b));
    const QTextCharFormat commentFormat = textFormat(QColor(0x6a, 0x6a, 0x6a), QColor(0x9a, 0x9a, 0x9a));
    const QTextCharFormat markFormat = textFormat(QColor(0x80, 0x2d, 0x8c), QColor(0xd4, 0x9b, 0xe0), true);

    if (text.startsWith(u"---"_s) || text.startsWith(u"..."_s)) {
        setFormat(0, int(text.size()), markFormat);
        return;
    }
    if (const auto m = dash.match(text); m.hasMatch())
        setFormat(int(m.capturedStart(1)), 1, markFormat);
    if (const auto m = key.match(text); m.hasMatch())
        setFormat(int(m.capturedStart(2)), int(m.capturedLength(2)), keyFormat);
    for (auto it = quoted.globalMatch(text); it.hasNext();) {
        const auto m = it.next();
        setFormat(int(m.capturedStart()), int(m.capturedLength()), stringFormat);
    }
    if (const auto m = number.match(text); m.hasMatch())
        setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)), numberFormat);
    if (const auto m = boolean.match(text); m.hasMatch())
        setFormat(int(m.capturedStart(1)), int(m.capturedLength(1)), numberFormat);
    if (const auto m = comment.match(text); m.hasMatch() && !text.contains(u'"'))
        setFormat(int(m.capturedStart()), int(m.capturedLength()), commentFormat);
}

} // namespace bc
