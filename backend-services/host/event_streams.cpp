#include "host/event_streams.h"

#include "bus/jetstream.h"

#include <QDebug>
#include <QJsonArray>
#include <algorithm>

namespace openopd::host {
namespace {

constexpr qint64 kNsPerSecond = 1000LL * 1000 * 1000;
constexpr int kStreamNameInUse = 10058; // JSStreamNameExistErr

// Whether the subject filter `filter` (with * and > wildcards) matches every subject of
// `subject` (itself possibly ending in >).
bool subjectCovers(const QString& filter, const QString& subject)
{
    const QStringList f = filter.split(u'.');
    const QStringList s = subject.split(u'.');
    for (qsizetype i = 0; i < f.size(); ++i) {
        if (f[i] == QStringLiteral(">"))
            return i < s.size();
        if (i >= s.size())
            return false;
        if (s[i] == QStringLiteral(">"))
            return false; // the subject reaches further than this filter
        if (f[i] != QStringLiteral("*") && f[i] != s[i])
            return false;
    }
    return f.size() == s.size();
}

QJsonObject baseConfig(const QString& name, const QString& subjects, const StreamSizing& sizing)
{
    return {{QStringLiteral("name"), name},
            {QStringLiteral("subjects"), QJsonArray{subjects}},
            {QStringLiteral("storage"), QStringLiteral("file")},
            {QStringLiteral("retention"), QStringLiteral("limits")},
            {QStringLiteral("discard"), QStringLiteral("new")},
            {QStringLiteral("num_replicas"), sizing.replicas},
            {QStringLiteral("max_bytes"), sizing.maxBytes},
            {QStringLiteral("max_msgs"), -1},
            {QStringLiteral("max_msg_size"), 1024 * 1024},
            {QStringLiteral("max_age"), qint64{sizing.maxAgeDays} * 86400 * kNsPerSecond},
            {QStringLiteral("duplicate_window"),
             qint64{sizing.duplicateWindowMinutes} * 60 * kNsPerSecond}};
}

} // namespace

QJsonObject eventsStreamConfig(const StreamSizing& sizing)
{
    QJsonObject config = baseConfig(QString::fromLatin1(kEventsStream),
                                    QString::fromLatin1(kEventsSubjects), sizing);
    config.insert(QStringLiteral("description"),
                  QStringLiteral("OpenOPD clinical events (visits, patients, stock)"));
    return config;
}

QJsonObject deadLetterStreamConfig(const StreamSizing& sizing)
{
    QJsonObject config = baseConfig(QString::fromLatin1(kDeadLetterStream),
                                    QString::fromLatin1(kDeadLetterPrefix) + u'>', sizing);
    config.insert(QStringLiteral("description"),
                  QStringLiteral("OpenOPD events that a consumer could not process"));
    return config;
}

QStringList streamConfigProblems(const QJsonObject& wanted, const QJsonObject& actual)
{
    QStringList problems;
    const QJsonArray actualSubjects = actual.value(QStringLiteral("subjects")).toArray();
    for (const QJsonValue& subject : wanted.value(QStringLiteral("subjects")).toArray()) {
        const bool covered =
            std::any_of(actualSubjects.begin(), actualSubjects.end(), [&](const QJsonValue& a) {
                return subjectCovers(a.toString(), subject.toString());
            });
        if (!covered)
            problems << QStringLiteral("its subjects do not include %1: events published there "
                                       "fail (they wait in the outboxes)")
                            .arg(subject.toString());
    }
    for (const char* key : {"storage", "retention", "discard"}) {
        const QString name = QString::fromLatin1(key);
        const QString want = wanted.value(name).toString();
        const QString have = actual.value(name).toString();
        if (have != want)
            problems << QStringLiteral("%1 is %2, the platform expects %3").arg(name, have, want);
    }
    const qint64 window = actual.value(QStringLiteral("duplicate_window")).toInteger();
    const qint64 wantWindow = wanted.value(QStringLiteral("duplicate_window")).toInteger();
    if (window < wantWindow)
        problems << QStringLiteral("duplicate_window is %1 s (expected at least %2 s): a relay "
                                   "restart may store an event twice")
                        .arg(window / kNsPerSecond)
                        .arg(wantWindow / kNsPerSecond);
    const qint64 msgSize = actual.value(QStringLiteral("max_msg_size")).toInteger(-1);
    const qint64 wantMsgSize = wanted.value(QStringLiteral("max_msg_size")).toInteger();
    if (msgSize > 0 && msgSize < wantMsgSize)
        problems << QStringLiteral("max_msg_size is %1 bytes (expected at least %2)")
                        .arg(msgSize)
                        .arg(wantMsgSize);
    return problems;
}

namespace {

// Creates the stream when it is missing; an existing one is only checked (logged).
void ensureStream(bus::Connection& connection, const QJsonObject& config, QObject* context,
                  std::function<void(const bus::BusError&)> done)
{
    const QByteArray name = config.value(QStringLiteral("name")).toString().toUtf8();
    bus::Connection* bus = &connection;
    bus::jetStreamApi(
        connection, QByteArrayLiteral("STREAM.CREATE.") + name, config, context,
        [bus, name, config, context, done](bus::Result<QJsonObject> created) {
            // A create with the very same configuration succeeds on an existing stream.
            if (created.ok() || created.error().code != kStreamNameInUse) {
                done(created.error());
                return;
            }
            bus::jetStreamApi(
                *bus, QByteArrayLiteral("STREAM.INFO.") + name, {}, context,
                [name, config, done](bus::Result<QJsonObject> info) {
                    if (!info) {
                        done(info.error());
                        return;
                    }
                    const QJsonObject actual = info->value(QStringLiteral("config")).toObject();
                    for (const QString& problem : streamConfigProblems(config, actual))
                        qWarning().noquote()
                            << "stream" << QString::fromUtf8(name)
                            << "exists and is left as the operator set it, but" << problem;
                    done({});
                });
        });
}

} // namespace

void ensureOpdStreams(bus::Connection& connection, const StreamSizing& sizing, QObject* context,
                      std::function<void(const bus::BusError&)> done)
{
    bus::Connection* bus = &connection;
    ensureStream(connection, eventsStreamConfig(sizing), context,
                 [bus, sizing, context, done](const bus::BusError& events) {
                     if (events.isError()) {
                         done(events);
                         return;
                     }
                     ensureStream(*bus, deadLetterStreamConfig(sizing), context, done);
                 });
}

} // namespace openopd::host
