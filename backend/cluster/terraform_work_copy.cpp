#include "backend/cluster/terraform_work_copy.h"

#include <QDir>
#include <QDirIterator>
#include <QFile>
#include <QFileInfo>

using namespace Qt::StringLiterals;

namespace bc {

QString TerraformWorkCopy::terraformDir(const QString &workDir, const QString &name)
{
    return workDir + u'/' + name + u"/terraform"_s;
}

Status TerraformWorkCopy::copyTree(const QString &from, const QString &to)
{
    const QDir source(from);
    QDirIterator it(from, {u"*.tf"_s, u"*.json"_s}, QDir::Files, QDirIterator::Subdirectories);
    while (it.hasNext()) {
        const QString file = it.next();
        const QString relative = source.relativeFilePath(file);
        if (relative.startsWith(u".terraform"_s) || relative.startsWith(u"terraform.tfstate"_s))
            continue;
        const QString target = to + u'/' + relative;
        if (!QDir().mkpath(QFileInfo(target).absolutePath()))
            return Error {Error::Kind::Failed, u"Cannot create %1."_s.arg(QFileInfo(target).absolutePath())};
        QFile::remove(target);
        if (!QFile::copy(file, target))
            return Error {Error::Kind::Failed, u"Cannot copy %1 to %2."_s.arg(file, target)};
        QFile::setPermissions(target, QFileDevice::ReadOwner | QFileDevice::WriteOwner);
    }
    return ok();
}

Status TerraformWorkCopy::refresh(const QString &infraDir, const QString &workDir)
{
    const QString name = QFileInfo(infraDir).fileName();
    const QString target = terraformDir(workDir, name);
    if (!QDir().mkpath(target))
        return Error {Error::Kind::Failed, u"Cannot create %1."_s.arg(target)};
    if (Status s = copyTree(infraDir + u"/terraform"_s, target); !s)
        return s;
    const QString modules = QDir(infraDir + u"/../modules"_s).absolutePath();
    if (QFileInfo(modules).isDir())
        return copyTree(modules, workDir + u"/modules"_s);
    return ok();
}

} // namespace bc
