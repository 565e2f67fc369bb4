// The event schema version read by a scan of the top level (event_version.h) against a full
// parse: the same answer for every valid document, hand-written edge cases and random ones.

#include "host/event_version.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>
#include <climits>

using openopd::host::eventSchemaVersion;
using openopd::host::eventSchemaVersionParsed;

namespace {

QJsonValue randomValue(QRandomGenerator& random, int depth);

QJsonObject randomObject(QRandomGenerator& random, int depth)
{
    static const QStringList keys{QStringLiteral("v"),       QStringLiteral("id"),
                                  QStringLiteral("payload"), QStringLiteral("vv"),
                                  QStringLiteral("\"v\""),   QStringLiteral("v\\"),
                                  QStringLiteral("é"),       QStringLiteral("")};
    QJsonObject object;
    const int size = random.bounded(6);
    for (int i = 0; i < size; ++i)
        object.insert(keys.at(random.bounded(keys.size())), randomValue(random, depth + 1));
    return object;
}

QJsonValue randomValue(QRandomGenerator& random, int depth)
{
    switch (random.bounded(depth > 3 ? 6 : 8)) {
    case 0:
        return QJsonValue(random.bounded(-3, 5));
    case 1:
        return QJsonValue(random.bounded(100) / 8.0);
    case 2:
        return QJsonValue(QStringLiteral("a \"v\": 9, } ] \\ \n ü"));
    case 3:
        return QJsonValue(random.bounded(2) == 0);
    case 4:
        return QJsonValue(QJsonValue::Null);
    case 5:
        return QJsonValue(1e12);
    case 6:
        return randomObject(random, depth);
    default: {
        QJsonArray array;
        for (int i = random.bounded(4); i > 0; --i)
            array.append(randomValue(random, depth + 1));
        return array;
    }
    }
}

} // namespace

class TestHostEventVersion : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void sameAsTheParse_data()
    {
        QTest::addColumn<QByteArray>("payload");
        QTest::addColumn<int>("expected");
        QTest::newRow("absent") << QByteArray(R"({"id":"e1","type":"visit.registered"})") << 1;
        QTest::newRow("empty object") << QByteArray("{}") << 1;
        QTest::newRow("spaced empty") << QByteArray(" { \n } ") << 1;
        QTest::newRow("first") << QByteArray(R"({"v":2,"id":"e"})") << 2;
        QTest::newRow("last") << QByteArray(R"({"id":"e","v":3})") << 3;
        QTest::newRow("spaces") << QByteArray("{ \"id\" : \"e\" ,\n\t\"v\" :\r 4 }") << 4;
        QTest::newRow("only nested") << QByteArray(R"({"payload":{"v":9},"id":"x"})") << 1;
        QTest::newRow("in an array") << QByteArray(R"({"a":[{"v":9},"v",1],"v":1})") << 1;
        QTest::newRow("in a string") << QByteArray(R"({"note":"\"v\":9, }","v":2})") << 2;
        QTest::newRow("escaped quote key") << QByteArray(R"({"\"v\"":7})") << 1;
        QTest::newRow("escaped v") << QByteArray(R"({"\u0076":5})") << 5;
        QTest::newRow("text") << QByteArray(R"({"v":"2"})") << 0;
        QTest::newRow("true") << QByteArray(R"({"v":true})") << 0;
        QTest::newRow("null") << QByteArray(R"({"v":null})") << 0;
        QTest::newRow("object") << QByteArray(R"({"v":{"v":2}})") << 0;
        QTest::newRow("fraction") << QByteArray(R"({"v":1.5})") << 0;
        QTest::newRow("exponent") << QByteArray(R"({"v":2e0})") << 2;
        QTest::newRow("negative") << QByteArray(R"({"v":-1})") << -1;
        QTest::newRow("too large") << QByteArray(R"({"v":1e12})") << 0;
        QTest::newRow("twice") << QByteArray(R"({"v":1,"v":2})")
                               << eventSchemaVersionParsed(R"({"v":1,"v":2})");
        QTest::newRow("array") << QByteArray(R"([{"v":2}])") << 0;
        QTest::newRow("not json") << QByteArray("v=2") << 0;
        QTest::newRow("empty") << QByteArray() << 0;
        QTest::newRow("cut short") << QByteArray(R"({"id":"e","v)") << 0;
        QTest::newRow("cut in a value") << QByteArray(R"({"id":{"a":[1,2)") << 0;
    }

    void sameAsTheParse()
    {
        QFETCH(QByteArray, payload);
        QFETCH(int, expected);
        QCOMPARE(eventSchemaVersionParsed(payload), expected);
        QCOMPARE(eventSchemaVersion(payload, INT_MAX), expected);
        QCOMPARE(eventSchemaVersion(payload, 1), expected);
    }

    // A version above the known one decides without the handler: only for a valid document.
    void aNewerVersionNeedsAValidDocument()
    {
        QCOMPARE(eventSchemaVersion(R"({"v":2,"id":"e"})", 1), 2);
        QCOMPARE(eventSchemaVersion(R"({"v":2,"id":"e")", 1), 0);    // cut short
        QCOMPARE(eventSchemaVersion(R"({"v":2,"id":"e"} x)", 1), 0); // text after it
        QCOMPARE(eventSchemaVersion(R"({"v":2,"id":e})", 1), 0);     // a bare word
    }

    void randomDocumentsAgree()
    {
        QRandomGenerator random(20261203);
        for (int i = 0; i < 20000; ++i) {
            QJsonObject object = randomObject(random, 0);
            if (random.bounded(2) == 0)
                object.insert(QStringLiteral("v"), randomValue(random, 3));
            const QByteArray payload = QJsonDocument(object).toJson(
                random.bounded(2) == 0 ? QJsonDocument::Compact : QJsonDocument::Indented);
            const int expected = eventSchemaVersionParsed(payload);
            QCOMPARE(eventSchemaVersion(payload, INT_MAX), expected);
            QCOMPARE(eventSchemaVersion(payload, 1), expected);
        }
    }
};

QTEST_GUILESS_MAIN(TestHostEventVersion)
#include "test_host_event_version.moc"
