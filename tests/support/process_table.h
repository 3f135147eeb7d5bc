#pragma once

// /proc for tests that must show which processes run, which are gone, or end one as a crash would.
// Header-only, Linux.

#include <QByteArrayList>
#include <QCoreApplication>
#include <QDir>
#include <QFile>
#include <QHash>
#include <QList>
#include <QSet>
#include <QString>

#include <algorithm>
#include <functional>
#include <signal.h>

namespace bc::test {

struct ProcessInfo
{
    qint64 pid = 0;
    qint64 parent = 0;
    qint64 group = 0;
    QByteArrayList args;
    QString commandLine; // the args joined by spaces
};

// Every live process (zombies and kernel threads, which have no process group, left out).
inline QList<ProcessInfo> liveProcesses()
{
    QList<ProcessInfo> list;
    for (const QString &entry : QDir(QStringLiteral("/proc")).entryList(QDir::Dirs | QDir::NoDotAndDotDot)) {
        bool numeric = false;
        const qint64 pid = entry.toLongLong(&numeric);
        if (!numeric)
            continue;
        QFile cmdline(QStringLiteral("/proc/%1/cmdline").arg(entry));
        QFile stat(QStringLiteral("/proc/%1/stat").arg(entry));
        if (!cmdline.open(QIODevice::ReadOnly) || !stat.open(QIODevice::ReadOnly))
            continue;
        ProcessInfo p;
        p.pid = pid;
        const QByteArray raw = cmdline.readAll();
        p.args = raw.split('\0');
        if (!p.args.isEmpty() && p.args.last().isEmpty())
            p.args.removeLast();
        p.commandLine = QString::fromLocal8Bit(raw).replace(QChar(0), u' ').trimmed();
        // pid (comm) state ppid pgrp ...: comm may hold spaces, so count from the last ')'.
        const QByteArray s = stat.readAll();
        const QList<QByteArray> fields = s.mid(s.lastIndexOf(')') + 2).split(' ');
        if (fields.size() > 2 && fields.at(0) != "Z") {
            p.parent = fields.at(1).toLongLong();
            p.group = fields.at(2).toLongLong();
            if (p.group > 0)
                list.append(p);
        }
    }
    return list;
}

// pid -> command line of the processes `seed` picks, of their process groups and of their descendants
// (a postgres backend leads a process group of its own, so both links are followed until nothing is added).
inline QHash<qint64, QString> processFamily(const QList<ProcessInfo> &all,
                                            const std::function<bool(const ProcessInfo &)> &seed)
{
    QHash<qint64, QString> family;
    QSet<qint64> groups;
    for (const ProcessInfo &p : all)
        if (seed(p)) {
            family.insert(p.pid, p.commandLine);
            groups.insert(p.group);
        }
    for (bool grew = true; grew;) {
        grew = false;
        for (const ProcessInfo &p : all)
            if (!family.contains(p.pid) && (groups.contains(p.group) || family.contains(p.parent))) {
                family.insert(p.pid, p.commandLine);
                grew = true;
            }
    }
    return family;
}

// SIGKILLs the descendants of this test process whose arguments include every one of `args` (e.g.
// "port-forward" and "svc/orderlog-db-rw"), as a crash or a network drop would end them. Returns how many.
inline int killDescendants(const QByteArrayList &args)
{
    const QList<ProcessInfo> all = liveProcesses();
    QHash<qint64, qint64> parentOf;
    for (const ProcessInfo &p : all)
        parentOf.insert(p.pid, p.parent);
    const qint64 self = QCoreApplication::applicationPid();
    int killed = 0;
    for (const ProcessInfo &p : all) {
        if (!std::all_of(args.begin(), args.end(), [&p](const QByteArray &a) { return p.args.contains(a); }))
            continue;
        qint64 up = p.pid;
        while (up > 1 && up != self)
            up = parentOf.value(up, 0);
        if (up == self && ::kill(static_cast<pid_t>(p.pid), SIGKILL) == 0)
            ++killed;
    }
    return killed;
}

} // namespace bc::test
