#include "deploy/deploy_util.h"

#include "support/child_process.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTest>

using namespace Qt::StringLiterals;

namespace openopd::testing::deploy {

RunResult run(const QString& program, const QStringList& arguments,
              const QProcessEnvironment& extra, int timeoutMs, const QByteArray& input)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    environment.insert(extra);
    process.setProcessEnvironment(environment);
    process.setProcessChannelMode(QProcess::MergedChannels);
    dieWithTest(process);
    process.start(program, arguments);
    RunResult result;
    if (!process.waitForStarted(10000)) {
        result.output = process.errorString().toUtf8();
        return result;
    }
    process.write(input);
    process.closeWriteChannel();
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        result.output = process.readAll() + "\n(timed out)";
        return result;
    }
    result.output = process.readAll();
    if (process.exitStatus() == QProcess::NormalExit)
        result.exitCode = process.exitCode();
    return result;
}

QString fillEnvironmentFile(const QString& text, const QMap<QString, QString>& values,
                            QString* error)
{
    QStringList lines = text.split(u'\n');
    for (auto it = values.cbegin(); it != values.cend(); ++it) {
        const QRegularExpression line(u"^#?"_s + QRegularExpression::escape(it.key()) + u"="_s);
        bool found = false;
        for (QString& candidate : lines)
            if (line.match(candidate).hasMatch()) {
                candidate = it.key() + u'=' + it.value();
                found = true;
            }
        if (!found) {
            *error = it.key() + u" has no line in the environment file"_s;
            return {};
        }
    }
    return lines.join(u'\n');
}

QProcessEnvironment parseEnvironmentFile(const QString& text)
{
    QProcessEnvironment environment;
    for (const QString& raw : text.split(u'\n')) {
        const QString line = raw.trimmed();
        if (line.isEmpty() || line.startsWith(u'#'))
            continue;
        const qsizetype equals = line.indexOf(u'=');
        if (equals > 0)
            environment.insert(line.left(equals), line.mid(equals + 1));
    }
    return environment;
}

QString readText(const QString& path)
{
    QFile file(path);
    return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()) : QString();
}

bool writeText(const QString& path, const QString& text)
{
    QFile file(path);
    const QByteArray bytes = text.toUtf8();
    return file.open(QIODevice::WriteOnly | QIODevice::Truncate) &&
           file.write(bytes) == bytes.size();
}

QStringList unitValues(const QString& unitText, const QString& key)
{
    QStringList values;
    for (const QString& line : unitText.split(u'\n'))
        if (line.startsWith(key + u'='))
            values.append(line.mid(key.size() + 1).trimmed());
    return values;
}

QJsonObject streamDetail(const QJsonObject& jsz, const QString& stream)
{
    for (const QJsonValue& account : jsz.value(u"account_details"_s).toArray())
        for (const QJsonValue& detail : account.toObject().value(u"stream_detail"_s).toArray())
            if (detail.toObject().value(u"name"_s).toString() == stream)
                return detail.toObject();
    return {};
}

QJsonObject monitoringJson(quint16 port, const QString& path, int timeoutMs)
{
    QNetworkAccessManager manager;
    std::unique_ptr<QNetworkReply> reply(
        manager.get(QNetworkRequest(QUrl(u"http://127.0.0.1:%1%2"_s.arg(port).arg(path)))));
    if (!QTest::qWaitFor([&] { return reply->isFinished(); }, timeoutMs))
        return {};
    return QJsonDocument::fromJson(reply->readAll()).object();
}

Child::Child(QString name, QString program, QStringList arguments, QProcessEnvironment environment)
    : m_name(std::move(name)), m_program(std::move(program)), m_arguments(std::move(arguments)),
      m_environment(std::move(environment))
{}

Child::~Child()
{
    kill();
}

bool Child::start(const QByteArray& readyMarker, int timeoutMs)
{
    m_process = std::make_unique<QProcess>();
    m_process->setProcessEnvironment(m_environment);
    m_process->setProcessChannelMode(QProcess::MergedChannels);
    dieWithTest(*m_process);
    m_process->start(m_program, m_arguments);
    if (!m_process->waitForStarted(10000)) {
        m_log += "(does not start: " + m_process->errorString().toUtf8() + ")\n";
        return false;
    }
    const qsizetype from = m_log.size();
    (void)QTest::qWaitFor(
        [&] {
            log();
            return m_log.indexOf(readyMarker, from) >= 0 ||
                   m_process->state() == QProcess::NotRunning;
        },
        timeoutMs);
    return log().indexOf(readyMarker, from) >= 0 && isRunning();
}

void Child::kill()
{
    if (isRunning()) {
        m_process->kill();
        m_process->waitForFinished(10000);
    }
    log();
}

int Child::terminate(int ms)
{
    if (!isRunning())
        return -1;
    m_process->terminate();
    if (!m_process->waitForFinished(ms)) {
        kill();
        return -1;
    }
    log();
    return m_process->exitStatus() == QProcess::NormalExit ? m_process->exitCode() : -1;
}

bool Child::isRunning() const
{
    return m_process && m_process->state() != QProcess::NotRunning;
}

QByteArray Child::log()
{
    if (m_process)
        m_log += m_process->readAll();
    return m_log;
}

QString tail(const QByteArray& log, int lines)
{
    const QStringList all = QString::fromUtf8(log).split(u'\n', Qt::SkipEmptyParts);
    return all.mid(qMax<qsizetype>(0, all.size() - lines)).join(u'\n');
}

} // namespace openopd::testing::deploy
