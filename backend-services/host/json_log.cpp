#include "host/json_log.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <cerrno>
#include <mutex>
#include <unistd.h>

namespace openopd::host {
namespace {

// One JSON value, escaped by Qt: wrap it in an array and strip the brackets.
QByteArray jsonValue(const QJsonValue& value)
{
    const QByteArray array = QJsonDocument(QJsonArray{value}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2);
}

void appendField(QByteArray& line, const QString& key, const QJsonValue& value)
{
    if (line.size() > 1)
        line += ',';
    line += jsonValue(key);
    line += ':';
    line += jsonValue(value);
}

void writeToStderr(const QByteArray& line)
{
    const char* data = line.constData();
    size_t left = static_cast<size_t>(line.size());
    while (left > 0) {
        const ssize_t written = ::write(STDERR_FILENO, data, left);
        if (written < 0 && errno == EINTR)
            continue;
        if (written <= 0)
            return;
        data += written;
        left -= static_cast<size_t>(written);
    }
}

struct LogState
{
    // Recursive: a sink or Qt may log while we format. A std::recursive_mutex, not a
    // QRecursiveMutex: Qt's lock is a futex inside uninstrumented Qt that ThreadSanitizer cannot
    // see, so it reported the sink's locked reads and writes as a data race (issue 14).
    std::recursive_mutex mutex;
    bool installed = false;
    QString service;
    QString instance;
    LogSink sink;
    QtMessageHandler previous = nullptr;
};

LogState& state()
{
    static LogState s; // never destroyed before late qWarning()s: function-local static
    return s;
}

void emitLine(QtMsgType level, const QString& category, const QString& message,
              const LogFields& fields)
{
    LogState& s = state();
    std::lock_guard lock(s.mutex);
    LogRecord record{
        QDateTime::currentDateTimeUtc(), level, s.service, s.instance, category, message, fields};
    QByteArray line = formatLogLine(record);
    line += '\n';
    if (s.sink)
        s.sink(line);
    else
        writeToStderr(line);
}

void messageHandler(QtMsgType type, const QMessageLogContext& context, const QString& message)
{
    emitLine(type, QString::fromUtf8(context.category), message, {});
}

} // namespace

QString logLevelName(QtMsgType level)
{
    switch (level) {
    case QtDebugMsg:
        return QStringLiteral("debug");
    case QtInfoMsg:
        return QStringLiteral("info");
    case QtWarningMsg:
        return QStringLiteral("warning");
    case QtCriticalMsg:
        return QStringLiteral("error");
    case QtFatalMsg:
        return QStringLiteral("fatal");
    }
    return QStringLiteral("info");
}

QByteArray formatLogLine(const LogRecord& record)
{
    QByteArray line("{");
    appendField(line, QStringLiteral("ts"), record.timestamp.toUTC().toString(Qt::ISODateWithMs));
    appendField(line, QStringLiteral("level"), logLevelName(record.level));
    appendField(line, QStringLiteral("service"), record.service);
    appendField(line, QStringLiteral("instance"), record.instance);
    appendField(line, QStringLiteral("msg"), record.message);
    if (!record.fields.subject.isEmpty())
        appendField(line, QStringLiteral("subject"), record.fields.subject);
    if (!record.fields.requestId.isEmpty())
        appendField(line, QStringLiteral("request_id"), record.fields.requestId);
    if (!record.category.isEmpty() && record.category != QStringLiteral("default"))
        appendField(line, QStringLiteral("category"), record.category);
    static const QStringList reserved{QStringLiteral("ts"),         QStringLiteral("level"),
                                      QStringLiteral("service"),    QStringLiteral("instance"),
                                      QStringLiteral("msg"),        QStringLiteral("subject"),
                                      QStringLiteral("request_id"), QStringLiteral("category")};
    for (auto it = record.fields.extra.begin(); it != record.fields.extra.end(); ++it)
        appendField(line,
                    reserved.contains(it.key()) ? QStringLiteral("extra_") + it.key() : it.key(),
                    it.value());
    line += '}';
    return line;
}

void installJsonLog(const QString& service, const QString& instance, LogSink sink)
{
    LogState& s = state();
    {
        std::lock_guard lock(s.mutex);
        s.service = service;
        s.instance = instance;
        s.sink = std::move(sink);
        if (s.installed)
            return;
        s.installed = true;
    }
    s.previous = qInstallMessageHandler(messageHandler);
}

void uninstallJsonLog()
{
    LogState& s = state();
    {
        std::lock_guard lock(s.mutex);
        if (!s.installed)
            return;
        s.installed = false;
    }
    qInstallMessageHandler(s.previous);
    std::lock_guard lock(s.mutex);
    s.sink = nullptr;
}

void logEvent(QtMsgType level, const QString& message, const LogFields& fields)
{
    bool installed = false;
    {
        LogState& s = state();
        std::lock_guard lock(s.mutex);
        installed = s.installed;
    }
    if (installed) {
        emitLine(level, QString(), message, fields);
        return;
    }
    QString text = message;
    if (!fields.subject.isEmpty())
        text += QStringLiteral(" subject=") + fields.subject;
    if (!fields.requestId.isEmpty())
        text += QStringLiteral(" request_id=") + fields.requestId;
    if (!fields.extra.isEmpty())
        text +=
            u' ' + QString::fromUtf8(QJsonDocument(fields.extra).toJson(QJsonDocument::Compact));
    QMessageLogger logger;
    switch (level) {
    case QtDebugMsg:
        logger.debug().noquote() << text;
        break;
    case QtInfoMsg:
        logger.info().noquote() << text;
        break;
    case QtWarningMsg:
        logger.warning().noquote() << text;
        break;
    case QtCriticalMsg:
    case QtFatalMsg:
        logger.critical().noquote() << text;
        break;
    }
}

} // namespace openopd::host
