// Time-ordered ids (bus/time_ordered_id.h): valid UUIDv7s and request ids, sorting by time.

#include "bus/request_id.h"
#include "bus/time_ordered_id.h"

#include <QSet>
#include <QTest>
#include <QThread>
#include <QUuid>
#include <algorithm>

using namespace openopd::bus;

class TestTimeOrderedId : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void uuidIsVersion7WithTheRfcVariant()
    {
        const QByteArray text = timeOrderedUuid();
        QCOMPARE(text.size(), 36);
        QCOMPARE(text, text.toLower());
        const QUuid uuid = QUuid::fromString(QLatin1StringView(text));
        QVERIFY(!uuid.isNull());
        QCOMPARE(text[14], '7');                        // version nibble
        QVERIFY(QByteArray("89ab").contains(text[19])); // variant 10xx
    }

    void uuidCarriesTheCreationTime()
    {
        const qint64 before = QDateTime::currentMSecsSinceEpoch();
        const QByteArray hex = timeOrderedUuid().remove(8, 1).left(12);
        const qint64 after = QDateTime::currentMSecsSinceEpoch();
        bool ok = false;
        const qint64 ms = hex.toLongLong(&ok, 16);
        QVERIFY(ok);
        QVERIFY2(ms >= before && ms <= after, qPrintable(QString::number(ms)));
    }

    void laterIdsSortAfterEarlierOnes()
    {
        QList<QByteArray> uuids, tokens;
        for (int i = 0; i < 5; ++i) {
            uuids.append(timeOrderedUuid());
            tokens.append(timeOrderedToken());
            QThread::msleep(2); // a new millisecond: the time part decides
        }
        QVERIFY(std::is_sorted(uuids.cbegin(), uuids.cend()));
        QVERIFY(std::is_sorted(tokens.cbegin(), tokens.cend()));
    }

    void tokenSortsAsItsBitsDo()
    {
        // The token alphabet is in ASCII order: two ids made in the same millisecond still
        // compare as their random bits do, as text and as bytes alike.
        for (int i = 0; i < 2000; ++i) {
            const auto a = timeOrderedIdBytes();
            const auto b = timeOrderedIdBytes();
            QCOMPARE(a < b, toSortableToken(a) < toSortableToken(b));
        }
        std::array<std::uint8_t, 16> low{}, high{};
        high.fill(0xff);
        QCOMPARE(toSortableToken(low), QByteArray(22, '-'));
        QVERIFY(toSortableToken(low) < toSortableToken(high));
        for (std::size_t byte = 0; byte < 16; ++byte) { // each bit counts, in order
            auto one = low;
            one[byte] = 1;
            auto next = low;
            next[byte] = 2;
            QVERIFY(toSortableToken(low) < toSortableToken(one));
            QVERIFY(toSortableToken(one) < toSortableToken(next));
        }
    }

    void tokenIsAValidRequestId()
    {
        const QByteArray token = timeOrderedToken();
        QCOMPARE(token.size(), 22);
        QVERIFY2(isValidRequestId(token), token.constData());
    }

    void idsDoNotRepeat()
    {
        QSet<QByteArray> seen;
        for (int i = 0; i < 100000; ++i)
            seen.insert(timeOrderedToken());
        QCOMPARE(seen.size(), 100000);
    }
};

QTEST_GUILESS_MAIN(TestTimeOrderedId)
#include "test_bus_time_ordered_id.moc"
