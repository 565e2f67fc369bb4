// Unit: the audit hash chain. The two records of docs/architecture.md ("Service: audit") hash
// to the digests printed there (test vectors for other implementations), and ChainVerifier
// reports each kind of broken link at the right record.

#include "audit/audit_chain.h"

#include <QTest>

using namespace openopd;
using namespace openopd::audit;
using namespace openopd::protocol;

namespace {

const QString kEmptyObjectHash =
    QStringLiteral("44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a");
const QString kFirstHash =
    QStringLiteral("a6663ab741bf7d47d3340ae2c7d7d6a0c9b0a847c957154abe6259c605a4a1fd");
const QString kSecondHash =
    QStringLiteral("0eeb93233405e60ab76d8b73c8c190ec25b0e3affd482ab780a5c9b7494739da");

StoredRecord first()
{
    return {1,
            QStringLiteral("3f2b8c4e-9a1d-4e57-b7a2-0c5d6e7f8a90"),
            QStringLiteral("opd.events.visit.registered"),
            QStringLiteral("reception1"),
            QStringLiteral("Zo\u00eb Mensah"),
            QStringLiteral("reception"),
            QStringLiteral("2024-05-06T08:05:00.555Z"),
            QStringLiteral("11116e73-1c03-5de6-9130-5f9925ae8ab4"),
            kEmptyObjectHash,
            auditGenesisHash(),
            kFirstHash,
            QByteArrayLiteral("{}")};
}

StoredRecord second()
{
    return {2,
            QStringLiteral("9b0c1d2e-3f40-4a5b-8c6d-7e8f90a1b2c3"),
            QStringLiteral("opd.events.stock.low"),
            QStringLiteral("pharm.okafor"),
            QStringLiteral("Chidi Okafor"),
            QStringLiteral("pharmacist"),
            QStringLiteral("2024-05-06T08:50:00.111Z"),
            {},
            kEmptyObjectHash,
            kFirstHash,
            kSecondHash,
            QByteArrayLiteral("{}")};
}

std::optional<ChainVerifier::Break> walk(const QList<StoredRecord>& records)
{
    ChainVerifier verifier(1, auditGenesisHash());
    for (const StoredRecord& record : records)
        if (auto broken = verifier.check(record))
            return broken;
    return std::nullopt;
}

} // namespace

class TestAuditChain : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void documentedTestVectors()
    {
        QCOMPARE(sha256Hex("{}"), kEmptyObjectHash);
        QString why;
        const auto one = toAuditRecord(first(), &why);
        QVERIFY2(one.has_value(), qPrintable(why));
        QCOMPARE(one->computeHash(), kFirstHash);
        const auto two = toAuditRecord(second(), &why);
        QVERIFY2(two.has_value(), qPrintable(why));
        QCOMPARE(two->computeHash(), kSecondHash);
        QVERIFY(two->linksTo(one->hash));
        QVERIFY(!walk({first(), second()}));
    }

    void nextRecordChains()
    {
        AnyEvent event;
        event.id = QStringLiteral("3f2b8c4e-9a1d-4e57-b7a2-0c5d6e7f8a90");
        event.occurredAt = parseTimestamp(u"2024-05-06T10:05:00.555+02:00");
        event.actor = {QStringLiteral("reception1"), QStringLiteral("Zo\u00eb Mensah"),
                       StaffRole::Reception};
        event.patientId = QStringLiteral("11116e73-1c03-5de6-9130-5f9925ae8ab4");
        const AuditRecord record =
            nextRecord(0, auditGenesisHash(), QStringLiteral("opd.events.visit.registered"), event,
                       QByteArrayLiteral("{}"));
        QCOMPARE(record.seq, qint64(1));
        QCOMPARE(record.hash, kFirstHash); // the offset time is hashed as UTC
    }

    void brokenLinks_data()
    {
        QTest::addColumn<QList<StoredRecord>>("records");
        QTest::addColumn<qint64>("seq");
        QTest::addColumn<QString>("reason");
        StoredRecord edited = first();
        edited.actorName = QStringLiteral("Mallory");
        StoredRecord rehashed = edited;
        QString why;
        rehashed.hash = toAuditRecord(rehashed, &why)->computeHash();
        StoredRecord badRole = first();
        badRole.actorRole = QStringLiteral("janitor");
        StoredRecord badTime = second();
        badTime.at = QStringLiteral("2024-05-06T08:50:00Z");
        StoredRecord body = second();
        body.body = QByteArrayLiteral("{\"forged\":true}");
        StoredRecord renumbered = second();
        renumbered.seq = 3;
        QTest::newRow("hash") << QList{edited, second()} << qint64(1)
                              << QStringLiteral("hash mismatch");
        QTest::newRow("previous hash")
            << QList{rehashed, second()} << qint64(2) << QStringLiteral("previous-hash mismatch");
        QTest::newRow("first not genesis") << QList{second()} << qint64(1) << QStringLiteral("gap");
        QTest::newRow("gap") << QList{first(), renumbered} << qint64(2) << QStringLiteral("gap");
        QTest::newRow("role") << QList{badRole} << qint64(1) << QStringLiteral("malformed");
        QTest::newRow("time") << QList{first(), badTime} << qint64(2)
                              << QStringLiteral("malformed");
        QTest::newRow("payload") << QList{first(), body} << qint64(2)
                                 << QStringLiteral("payload-hash mismatch");
    }
    void brokenLinks()
    {
        QFETCH(QList<StoredRecord>, records);
        QFETCH(qint64, seq);
        QFETCH(QString, reason);
        const auto broken = walk(records);
        QVERIFY(broken.has_value());
        QCOMPARE(broken->seq, seq);
        QVERIFY2(broken->reason.startsWith(reason), qPrintable(broken->reason));
    }
};

QTEST_GUILESS_MAIN(TestAuditChain)
#include "test_audit_chain.moc"
