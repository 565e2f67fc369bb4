#pragma once

// Structured logs: one JSON object per line on stderr, e.g.
//   {"ts":"2024-05-01T08:30:00.123Z","level":"warning","service":"registration",
//    "instance":"opd1-4242","msg":"request failed","subject":"opd.registration.register",
//    "request_id":"_INBOX.x.7","code":503}
// Keys come in that order: ts, level, service, instance, msg, subject, request_id, category,
// then the extra fields (an extra that reuses a reserved name is written as "extra_<name>").

#include <QByteArray>
#include <QDateTime>
#include <QJsonObject>
#include <QString>
#include <QtGlobal>
#include <functional>

namespace openopd::host {

struct LogFields
{
    QString subject;   // the NATS subject the line is about
    QString requestId; // the request's reply inbox, which is unique per request
    QJsonObject extra; // anything else (numbers stay numbers)
};

struct LogRecord
{
    QDateTime timestamp; // written as RFC 3339 UTC with milliseconds
    QtMsgType level = QtInfoMsg;
    QString service;
    QString instance;
    QString category; // Qt logging category; left out when empty or "default"
    QString message;
    LogFields fields;
};

// "debug", "info", "warning", "error" (qCritical), "fatal".
QString logLevelName(QtMsgType level);
// The line for record, without the newline. Pure; escaping by QJsonDocument.
QByteArray formatLogLine(const LogRecord& record);

// Receives each finished line (with its newline). The default writes it to stderr with one
// write(2), so concurrent lines do not interleave.
using LogSink = std::function<void(const QByteArray& line)>;

// The one deliberate process-wide hook of the service host: call it once, early in main(),
// after parsing the command line. It installs a Qt message handler (qInstallMessageHandler is
// process-wide by nature), so qDebug/qInfo/qWarning/qCritical/qFatal from any library or
// thread become JSON lines naming this service and instance. Thread-safe once installed.
void installJsonLog(const QString& service, const QString& instance, LogSink sink = {});
// Puts back the handler that was there before (tests).
void uninstallJsonLog();

// A line with fields. Without installJsonLog it goes to the Qt message handler as text.
void logEvent(QtMsgType level, const QString& message, const LogFields& fields = {});
inline void logRequest(QtMsgType level, const QString& message, const QByteArray& subject,
                       const QByteArray& requestId, QJsonObject extra = {})
{
    logEvent(level, message,
             LogFields{QString::fromUtf8(subject), QString::fromUtf8(requestId), std::move(extra)});
}

} // namespace openopd::host
