// The $SRV reply decoders: the documented examples decode; every field is checked and a bad
// one is named by its path.

#include "bus/service_discovery.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace openopd;
using bus::BusError;

namespace {

// The examples of docs/protocol.md, "Service discovery".
const QByteArray kPing = R"({"type":"io.nats.micro.v1.ping_response","name":"registration",
 "id":"7bb3daa52906489c858c1c749bac7e51","version":"0.1.0","metadata":{"site":"ward 4"}})";
const QByteArray kInfo = R"({"type":"io.nats.micro.v1.info_response","name":"registration",
 "id":"7bb3daa52906489c858c1c749bac7e51","version":"0.1.0","metadata":{},
 "description":"Patients, visits and queue tokens",
 "endpoints":[{"name":"patient-create","subject":"opd.registration.patient.create",
               "queue_group":"q","metadata":{}}]})";
const QByteArray kStats = R"({"type":"io.nats.micro.v1.stats_response","name":"registration",
 "id":"7bb3daa52906489c858c1c749bac7e51","version":"0.1.0","metadata":{},
 "started":"2024-05-06T07:00:00.917070206Z",
 "endpoints":[{"name":"patient-create","subject":"opd.registration.patient.create",
               "queue_group":"q","num_requests":4,"num_errors":1,
               "last_error":"400:full_name: is required","processing_time":62240041,
               "average_processing_time":15560010}]})";

QJsonObject parse(const QByteArray& json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray dump(const QJsonObject& object)
{
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

// object with path ("a" or "endpoints.0.b") set to value, or removed when value is undefined.
QJsonObject with(QJsonObject object, const QString& path, const QJsonValue& value)
{
    const QStringList parts = path.split(u'.');
    if (parts.size() == 1) {
        if (value.isUndefined())
            object.remove(path);
        else
            object.insert(path, value);
        return object;
    }
    QJsonArray array = object.value(parts.at(0)).toArray();
    const int index = parts.at(1).toInt();
    array[index] = with(array.at(index).toObject(), parts.mid(2).join(u'.'), value);
    object.insert(parts.at(0), array);
    return object;
}

BusError decodeError(const QString& verb, const QByteArray& json)
{
    if (verb == QStringLiteral("PING"))
        return bus::decodeServicePing(json).error();
    if (verb == QStringLiteral("INFO"))
        return bus::decodeServiceInfo(json).error();
    return bus::decodeServiceStats(json).error();
}

} // namespace

class TestBusDiscoveryDecode : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentedExamplesDecode()
    {
        const auto ping = bus::decodeServicePing(kPing);
        QVERIFY2(ping.ok(), qPrintable(ping.error().toString()));
        QCOMPARE(ping->name, QStringLiteral("registration"));
        QCOMPARE(ping->id, QStringLiteral("7bb3daa52906489c858c1c749bac7e51"));
        QCOMPARE(ping->version, QStringLiteral("0.1.0"));
        QCOMPARE(ping->metadata.value(QStringLiteral("site")), QStringLiteral("ward 4"));

        const auto info = bus::decodeServiceInfo(kInfo);
        QVERIFY2(info.ok(), qPrintable(info.error().toString()));
        QCOMPARE(info->description, QStringLiteral("Patients, visits and queue tokens"));
        QCOMPARE(info->endpoints.size(), 1);
        QCOMPARE(info->endpoints.at(0).subject, QStringLiteral("opd.registration.patient.create"));
        QCOMPARE(info->endpoints.at(0).queueGroup, QStringLiteral("q"));

        const auto stats = bus::decodeServiceStats(kStats);
        QVERIFY2(stats.ok(), qPrintable(stats.error().toString()));
        QCOMPARE(stats->started, QDateTime(QDate(2024, 5, 6), QTime(7, 0, 0, 917), Qt::UTC));
        QCOMPARE(stats->startedText, QStringLiteral("2024-05-06T07:00:00.917070206Z"));
        const bus::ServiceEndpointStats& e = stats->endpoints.at(0);
        QCOMPARE(e.numRequests, 4);
        QCOMPARE(e.numErrors, 1);
        QCOMPARE(e.lastError, QStringLiteral("400:full_name: is required"));
        QCOMPARE(e.processingTimeNs, 62240041);
        QCOMPARE(e.averageProcessingTimeNs, 15560010);
    }

    // What Go writes for a nil map or slice, an empty description or queue group, a time
    // without fraction or with an offset: all valid.
    void goVariantsDecode()
    {
        QVERIFY(bus::decodeServicePing(
                    dump(with(parse(kPing), QStringLiteral("metadata"), QJsonValue::Null)))
                    .ok());
        QJsonObject info = with(parse(kInfo), QStringLiteral("endpoints"), QJsonValue::Null);
        info = with(info, QStringLiteral("description"), QString());
        const auto decoded = bus::decodeServiceInfo(dump(info));
        QVERIFY2(decoded.ok(), qPrintable(decoded.error().toString()));
        QVERIFY(decoded->endpoints.isEmpty());
        QJsonObject stats = with(parse(kStats), QStringLiteral("started"),
                                 QStringLiteral("2024-05-06T09:00:00+02:00"));
        stats = with(stats, QStringLiteral("endpoints.0.queue_group"), QString());
        const auto s = bus::decodeServiceStats(dump(stats));
        QVERIFY2(s.ok(), qPrintable(s.error().toString()));
        QCOMPARE(s->started, QDateTime(QDate(2024, 5, 6), QTime(7, 0), Qt::UTC));
    }

    void everyFieldIsChecked_data()
    {
        QTest::addColumn<QString>("verb");
        QTest::addColumn<QString>("path");
        QTest::addColumn<QJsonValue>("value"); // undefined: the field is left out
        QTest::addColumn<QString>("field");    // what the error must name
        const QJsonValue missing(QJsonValue::Undefined);
        for (const char* verb : {"PING", "INFO", "STATS"}) {
            auto row = [verb](const char* what, const QString& path, const QJsonValue& value,
                              const QString& field) {
                QTest::addRow("%s %s %s", verb, qPrintable(path), what)
                    << QString::fromLatin1(verb) << path << value << field;
            };
            row("wrong", QStringLiteral("type"), QStringLiteral("io.nats.micro.v1.other"),
                QStringLiteral("type"));
            row("missing", QStringLiteral("type"), missing, QStringLiteral("type"));
            row("pattern", QStringLiteral("name"), QStringLiteral("reg istration"),
                QStringLiteral("name"));
            row("missing", QStringLiteral("name"), missing, QStringLiteral("name"));
            row("number", QStringLiteral("id"), 7, QStringLiteral("id"));
            row("empty", QStringLiteral("id"), QString(), QStringLiteral("id"));
            row("semver", QStringLiteral("version"), QStringLiteral("1.0"),
                QStringLiteral("version"));
            row("missing", QStringLiteral("metadata"), missing, QStringLiteral("metadata"));
            row("array", QStringLiteral("metadata"), QJsonArray(), QStringLiteral("metadata"));
            row("value", QStringLiteral("metadata"), QJsonObject{{QStringLiteral("k"), 1}},
                QStringLiteral("metadata.k"));
        }
        auto info = [](const char* what, const QString& path, const QJsonValue& value,
                       const QString& field) {
            QTest::addRow("INFO %s %s", qPrintable(path), what)
                << QStringLiteral("INFO") << path << value << field;
        };
        info("missing", QStringLiteral("description"), missing, QStringLiteral("description"));
        info("number", QStringLiteral("description"), 1, QStringLiteral("description"));
        info("missing", QStringLiteral("endpoints"), missing, QStringLiteral("endpoints"));
        info("object", QStringLiteral("endpoints"), QJsonObject(), QStringLiteral("endpoints"));
        for (const char* key : {"name", "subject", "queue_group", "metadata"})
            info("missing", QStringLiteral("endpoints.0.") + QLatin1String(key), missing,
                 QStringLiteral("endpoints[0].") + QLatin1String(key));
        info("empty", QStringLiteral("endpoints.0.subject"), QString(),
             QStringLiteral("endpoints[0].subject"));
        info("value", QStringLiteral("endpoints.0.metadata"),
             QJsonObject{{QStringLiteral("k"), true}}, QStringLiteral("endpoints[0].metadata.k"));
        auto stats = [](const char* what, const QString& path, const QJsonValue& value,
                        const QString& field) {
            QTest::addRow("STATS %s %s", qPrintable(path), what)
                << QStringLiteral("STATS") << path << value << field;
        };
        stats("missing", QStringLiteral("started"), missing, QStringLiteral("started"));
        stats("format", QStringLiteral("started"), QStringLiteral("2024-05-06 07:00:00"),
              QStringLiteral("started"));
        stats("date", QStringLiteral("started"), QStringLiteral("2024-13-06T07:00:00Z"),
              QStringLiteral("started"));
        stats("digits", QStringLiteral("started"),
              QStringLiteral("2024-05-06T07:00:00.1234567890Z"), QStringLiteral("started"));
        stats("missing", QStringLiteral("endpoints"), missing, QStringLiteral("endpoints"));
        for (const char* key : {"name", "subject", "queue_group", "num_requests", "num_errors",
                                "last_error", "processing_time", "average_processing_time"})
            stats("missing", QStringLiteral("endpoints.0.") + QLatin1String(key), missing,
                  QStringLiteral("endpoints[0].") + QLatin1String(key));
        for (const char* key :
             {"num_requests", "num_errors", "processing_time", "average_processing_time"}) {
            stats("negative", QStringLiteral("endpoints.0.") + QLatin1String(key), -1,
                  QStringLiteral("endpoints[0].") + QLatin1String(key));
            stats("fraction", QStringLiteral("endpoints.0.") + QLatin1String(key), 1.5,
                  QStringLiteral("endpoints[0].") + QLatin1String(key));
            stats("string", QStringLiteral("endpoints.0.") + QLatin1String(key),
                  QStringLiteral("4"), QStringLiteral("endpoints[0].") + QLatin1String(key));
        }
        stats("number", QStringLiteral("endpoints.0.last_error"), 400,
              QStringLiteral("endpoints[0].last_error"));
    }

    void everyFieldIsChecked()
    {
        QFETCH(QString, verb);
        QFETCH(QString, path);
        QFETCH(QJsonValue, value);
        QFETCH(QString, field);
        const QByteArray valid = verb == QStringLiteral("PING")   ? kPing
                                 : verb == QStringLiteral("INFO") ? kInfo
                                                                  : kStats;
        QVERIFY(!decodeError(verb, valid).isError());
        const BusError error = decodeError(verb, dump(with(parse(valid), path, value)));
        QCOMPARE(error.kind, BusError::Kind::DecodeError);
        QCOMPARE(error.field, field);
        QVERIFY(!error.message.isEmpty());
    }

    void notJsonIsRefused()
    {
        QCOMPARE(bus::decodeServicePing("not json").error().kind, BusError::Kind::DecodeError);
    }

    void subjects()
    {
        QCOMPARE(bus::serviceApiSubject(bus::ServiceVerb::Ping), QByteArray("$SRV.PING"));
        QCOMPARE(bus::serviceApiSubject(bus::ServiceVerb::Info, QStringLiteral("lab")),
                 QByteArray("$SRV.INFO.lab"));
        QCOMPARE(bus::serviceApiSubject(bus::ServiceVerb::Stats, QStringLiteral("lab"),
                                        QStringLiteral("abc")),
                 QByteArray("$SRV.STATS.lab.abc"));
        QCOMPARE(bus::serviceApiSubject(bus::ServiceVerb::Stats, {}, QStringLiteral("abc")),
                 QByteArray("$SRV.STATS"));
    }
};

QTEST_GUILESS_MAIN(TestBusDiscoveryDecode)
#include "test_bus_discovery_decode.moc"
