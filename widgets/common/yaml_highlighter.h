#pragma once

#include <QSyntaxHighlighter>

namespace bc {

// Simple YAML colouring for read-only views of Kubernetes objects: keys, strings, numbers and booleans,
// comments, list dashes and document markers. Colours follow the palette (readable on light and dark).
class YamlHighlighter : public QSyntaxHighlighter
{
    Q_OBJECT
public:
    explicit YamlHighlighter(QTextDocument *document);

protected:
    void highlightBlock(const QString &text) override;
};

} // namespace bc
