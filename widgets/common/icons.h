#pragma once

#include <QColor>
#include <QIcon>
#include <QString>

class QPalette;

namespace bc {

// Icons drawn from the SVGs in resources/ with QSvgRenderer (no image-format plugin needed), at
// several sizes and device pixel ratios so they stay sharp on HiDPI screens.
QIcon svgIcon(const QString &resourcePath);

// A monochrome panel icon (":/bc/icons/panels/<name>.svg") tinted with the palette's text colour,
// and with the highlighted-text colour when selected: it follows a light or a dark palette.
QIcon panelIcon(const QString &name, const QPalette &palette);

// A pixmap of a panel icon in one colour, for large decorative use.
QPixmap panelPixmap(const QString &name, const QColor &color, int size, qreal devicePixelRatio);

// An accent colour that reads well on the palette's window background: `base` on a light palette,
// a lighter variant on a dark one.
QColor accentFor(const QPalette &palette, const QColor &base);
bool isDarkPalette(const QPalette &palette);

} // namespace bc
