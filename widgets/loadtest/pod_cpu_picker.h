#pragma once

#include <QPointer>
#include <QWidget>

class QComboBox;
class QPushButton;

namespace bc {

class MetricsPoller;

// "Pod CPU on the requests chart: [deployment or pod] [Add] [Remove all]": the pods and deployments the
// metrics poller knows; Add asks for the chosen one's CPU on the chart's second axis.
class PodCpuPicker : public QWidget
{
    Q_OBJECT
public:
    explicit PodCpuPicker(QWidget *parent = nullptr);

    void setPoller(MetricsPoller *poller);
    QComboBox *choice() const { return m_choice; }
    QPushButton *addButton() const { return m_add; }
    QPushButton *clearButton() const { return m_clear; }
    void setClearEnabled(bool on);

Q_SIGNALS:
    void deploymentChosen(const QString &deployment); // the sum of its pods
    void podChosen(const QString &pod);
    void clearRequested();

private:
    void refill();

    QPointer<MetricsPoller> m_poller;
    QComboBox *m_choice;
    QPushButton *m_add;
    QPushButton *m_clear;
};

} // namespace bc
