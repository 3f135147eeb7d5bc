#include "widgets/common/icons.h"

#include <QPainter>
#include <QPalette>
#include <QPixmap>
#include <QSvgRenderer>

using namespace Qt::StringLiterals;

namespace bc {

namespace {

QPixmap render(QSvgRenderer &renderer, int size, qreal dpr)
{
    const int px = qRound(size * dpr);
    QPixmap pixmap(px, px);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    renderer.render(&painter, QRectF(0, 0, px, px));
    painter.end();
    pixmap.setDevicePixelRatio(dpr);
    return pixmap;
}

QPixmap tinted(QPixmap pixmap, const QColor &color)
{
    QPainter painter(&pixmap);
    painter.setCompositionMode(QPainter::CompositionMode_SourceIn);
    painter.fillRect(QRectF(QPointF(0, 0), pixmap.deviceIndependentSize()), color);
    return pixmap;
}

constexpr int kSizes[] = {16, 20, 24, 32, 48, 64};
constexpr qreal kRatios[] = {1.0, 2.0};

} // namespace

QIcon svgIcon(const QString &resourcePath)
{
    QSvgRenderer renderer(resourcePath);
    QIcon icon;
    if (!renderer.isValid())
        return icon;
    for (const int size : {16, 24, 32, 48, 64, 128, 256})
        icon.addPixmap(render(renderer, size, 1.0));
    return icon;
}

QPixmap panelPixmap(const QString &name, const QColor &color, int size, qreal devicePixelRatio)
{
    QSvgRenderer renderer(u":/bc/icons/panels/%1.svg"_s.arg(name));
    if (!renderer.isValid())
        return {};
    return tinted(render(renderer, size, devicePixelRatio), color);
}

QIcon panelIcon(const QString &name, const QPalette &palette)
{
    QSvgRenderer renderer(u":/bc/icons/panels/%1.svg"_s.arg(name));
    QIcon icon;
    if (!renderer.isValid())
        return icon;
    const QColor normal = palette.color(QPalette::Active, QPalette::WindowText);
    const QColor selected = palette.color(QPalette::Active, QPalette::HighlightedText);
    const QColor disabled = palette.color(QPalette::Disabled, QPalette::WindowText);
    for (const int size : kSizes) {
        for (const qreal dpr : kRatios) {
            const QPixmap base = render(renderer, size, dpr);
            icon.addPixmap(tinted(base, normal), QIcon::Normal);
            icon.addPixmap(tinted(base, normal), QIcon::Active);
            icon.addPixmap(tinted(base, selected), QIcon::Selected);
            icon.addPixmap(tinted(base, disabled), QIcon::Disabled);
        }
    }
    return icon;
}

bool isDarkPalette(const QPalette &palette)
{
    return palette.color(QPalette::Window).lightnessF() < 0.5;
}

QColor accentFor(const QPalette &palette, const QColor &base)
{
    return isDarkPalette(palette) ? base.lighter(160) : base;
}

} // namespace bc
