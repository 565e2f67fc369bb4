// Unit tests of shared/access/sealed_reply: libsodium sealed boxes for the sign-in reply.
// Sealed to a one-time public key, only that pair's secret key opens it; another key, a
// changed byte, a cut or grown box, a bad key size all fail. The example of docs/protocol.md
// ("opd.identity.signin") opens with the secret key shown there.

#include "access/sealed_reply.h"

#include <QSet>
#include <QTest>
#include <QThread>
#include <atomic>
#include <vector>

using namespace openopd;

namespace {

const QByteArray kPassword = QByteArrayLiteral("t2fJb-dq8B1HDTDN7H8X0evFx3fm6Xry8WBhwba0EXw");

} // namespace

class TestAccessSealed : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() { QVERIFY(access::sodiumReady()); }

    void keyPairsAreFreshAndTheRightSize()
    {
        QSet<QByteArray> publicKeys;
        for (int i = 0; i < 20; ++i) {
            const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
            QVERIFY(keys.isValid());
            QCOMPARE(keys.publicKey.size(), access::kReplyPublicKeyBytes);
            QCOMPARE(keys.secretKey.size(), access::kReplySecretKeyBytes);
            QVERIFY(keys.publicKey != keys.secretKey);
            publicKeys.insert(keys.publicKey);
        }
        QCOMPARE(publicKeys.size(), 20);
    }

    void sealedOpensWithItsKeyOnly()
    {
        const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
        const auto sealed = access::sealTo(kPassword, keys.publicKey);
        QVERIFY(sealed);
        QCOMPARE(sealed->size(), kPassword.size() + access::kSealOverheadBytes);
        QVERIFY(!sealed->contains(kPassword));
        const auto opened = access::openSealed(*sealed, keys);
        QVERIFY(opened);
        QCOMPARE(*opened, kPassword);
        // Sealing is randomised (an ephemeral key per box): the same secret twice differs.
        const auto again = access::sealTo(kPassword, keys.publicKey);
        QVERIFY(again);
        QVERIFY(*again != *sealed);
        QCOMPARE(access::openSealed(*again, keys).value_or(QByteArray()), kPassword);
    }

    void wrongKeyFails()
    {
        const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
        const access::ReplyKeyPair other = access::ReplyKeyPair::generate();
        const auto sealed = access::sealTo(kPassword, keys.publicKey);
        QVERIFY(sealed);
        QVERIFY(!access::openSealed(*sealed, other));
        // The right public key with another secret key, and the reverse.
        access::ReplyKeyPair mixed;
        mixed.publicKey = keys.publicKey;
        mixed.secretKey = other.secretKey;
        QVERIFY(!access::openSealed(*sealed, mixed));
        mixed.publicKey = other.publicKey;
        mixed.secretKey = keys.secretKey;
        QVERIFY(!access::openSealed(*sealed, mixed));
    }

    void tamperedCiphertextFails()
    {
        const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
        const auto sealed = access::sealTo(kPassword, keys.publicKey);
        QVERIFY(sealed);
        // Every single flipped bit anywhere (ephemeral key, tag, ciphertext) is detected.
        for (qsizetype i = 0; i < sealed->size(); ++i) {
            for (int bit = 0; bit < 8; bit += 3) {
                QByteArray tampered = *sealed;
                tampered[i] = static_cast<char>(tampered.at(i) ^ (1 << bit));
                QVERIFY2(!access::openSealed(tampered, keys),
                         qPrintable(QStringLiteral("byte %1 bit %2").arg(i).arg(bit)));
            }
        }
        QVERIFY(!access::openSealed(sealed->left(sealed->size() - 1), keys));
        QVERIFY(!access::openSealed(*sealed + '\0', keys));
        QVERIFY(!access::openSealed(sealed->left(access::kSealOverheadBytes), keys));
        QVERIFY(!access::openSealed(sealed->left(10), keys));
        QVERIFY(!access::openSealed(QByteArray(), keys));
    }

    void badKeysAreRefused()
    {
        QVERIFY(!access::sealTo(kPassword, QByteArray()));
        QVERIFY(!access::sealTo(kPassword, QByteArray(31, 'k')));
        QVERIFY(!access::sealTo(kPassword, QByteArray(33, 'k')));
        // All zero: a low-order point, no shared secret.
        QVERIFY(!access::sealTo(kPassword, QByteArray(32, '\0')));
        const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
        const auto sealed = access::sealTo(kPassword, keys.publicKey);
        QVERIFY(sealed);
        access::ReplyKeyPair invalid;
        QVERIFY(!invalid.isValid());
        QVERIFY(!access::openSealed(*sealed, invalid));
    }

    void emptySecretRoundTrips()
    {
        const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
        const auto sealed = access::sealTo(QByteArray(), keys.publicKey);
        QVERIFY(sealed);
        QCOMPARE(sealed->size(), access::kSealOverheadBytes);
        const auto opened = access::openSealed(*sealed, keys);
        QVERIFY(opened);
        QVERIFY(opened->isEmpty());
    }

    // The pair of the docs/protocol.md sign-in example (tests/protocol uses the same values):
    // what another language's crypto_box_seal_open must reproduce.
    void documentedExampleOpens()
    {
        access::ReplyKeyPair keys;
        keys.publicKey = QByteArray::fromBase64("ND/SNFdVgXDilvC8xXDs2DN3hWWPU4Lv5250TXYGKQ8=");
        keys.secretKey = QByteArray::fromBase64("04OOM07YqDU0+AZ/nyFFfxSChVPQOPbc8xgcFYnZVzQ=");
        const QByteArray sealed = QByteArray::fromBase64(
            "TEyj7rT0+lizk+5SSk0wTVXaUy3HGibIxWep+z32gx2LyoFGQva5Egw8OwEwrDXxZlpO836H440trHgcaqX/"
            "GXiNydqEKCF32JXrMI476OY3SFqGitboowjxYw==");
        QCOMPARE(access::openSealed(sealed, keys).value_or(QByteArray()), kPassword);
    }

    void movingAPairMovesItsSecretAndWipesTheOld()
    {
        access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
        const QByteArray publicKey = keys.publicKey;
        const auto sealed = access::sealTo(kPassword, publicKey);
        QVERIFY(sealed);
        access::ReplyKeyPair moved = std::move(keys);
        QVERIFY(!keys.isValid()); // NOLINT(bugprone-use-after-move): checking the moved-from
        QVERIFY(keys.secretKey.isEmpty());
        QCOMPARE(moved.publicKey, publicKey);
        QCOMPARE(access::openSealed(*sealed, moved).value_or(QByteArray()), kPassword);
        access::ReplyKeyPair assigned;
        assigned = std::move(moved);
        QCOMPARE(access::openSealed(*sealed, assigned).value_or(QByteArray()), kPassword);

        // wipe() zeroes what only it holds; a copy someone else shares stays theirs.
        QByteArray secret(6, 's');
        access::wipe(secret);
        QVERIFY(secret.isEmpty());
        QByteArray shared(6, 's');
        const QByteArray copy = shared;
        access::wipe(shared);
        QVERIFY(shared.isEmpty());
        QCOMPARE(copy, QByteArray(6, 's'));
    }

    // sodium_init() runs once however many threads start at the same time.
    void concurrentFirstUseIsSafe()
    {
        std::atomic<int> failures = 0;
        std::vector<std::unique_ptr<QThread>> threads;
        for (int i = 0; i < 8; ++i)
            threads.emplace_back(QThread::create([&failures] {
                for (int n = 0; n < 20; ++n) {
                    const access::ReplyKeyPair keys = access::ReplyKeyPair::generate();
                    const auto sealed = access::sealTo(kPassword, keys.publicKey);
                    if (!sealed || access::openSealed(*sealed, keys) != kPassword)
                        ++failures;
                }
            }));
        for (auto& thread : threads)
            thread->start();
        for (auto& thread : threads)
            QVERIFY(thread->wait(30000));
        QCOMPARE(failures.load(), 0);
    }
};

QTEST_GUILESS_MAIN(TestAccessSealed)
#include "test_access_sealed.moc"
