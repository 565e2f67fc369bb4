// SecretStore against a real Secret Service: gnome-keyring-daemon on a private D-Bus session
// (CMakeLists.txt runs this through dbus-run-session and with_keyring.sh). Stores, reads back,
// replaces and deletes a secret, and checks that its plaintext is in no file under $HOME
// (the keyring file is encrypted; nothing falls back to a plaintext file).

#include "core/secret_store.h"

#include <QDirIterator>
#include <QFile>
#include <QTest>
#include <optional>

using openopd::app::SecretStore;

namespace {

struct ReadResult
{
    SecretStore::Outcome outcome;
    QByteArray secret;
};

std::optional<SecretStore::Outcome> waitFor(const std::function<void(SecretStore::Done)>& call)
{
    std::optional<SecretStore::Outcome> result;
    call([&](SecretStore::Outcome outcome) { result = std::move(outcome); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
        return std::nullopt;
    return result;
}

std::optional<ReadResult> readBack(const SecretStore& store, const QString& key, QObject* context)
{
    std::optional<ReadResult> result;
    store.read(key, context, [&](SecretStore::Outcome outcome, QByteArray secret) {
        result = ReadResult{std::move(outcome), std::move(secret)};
    });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, 30000))
        return std::nullopt;
    return result;
}

// Every regular file under dir whose bytes contain needle.
QStringList filesContaining(const QString& dir, const QByteArray& needle)
{
    QStringList found;
    QDirIterator it(dir, QDir::Files | QDir::Hidden | QDir::NoDotAndDotDot,
                    QDirIterator::Subdirectories);
    while (it.hasNext()) {
        QFile file(it.next());
        if (file.open(QIODevice::ReadOnly) && file.readAll().contains(needle))
            found.append(file.fileName());
    }
    return found;
}

} // namespace

class TestAppKeychain : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void storeReadReplaceDelete();
    void readingAMissingKeyIsNotFound();
};

void TestAppKeychain::storeReadReplaceDelete()
{
    QVERIFY2(qEnvironmentVariableIsSet("DBUS_SESSION_BUS_ADDRESS"),
             "run through dbus-run-session (see tests/app/CMakeLists.txt)");
    const SecretStore store(QStringLiteral("OpenOPD test"));
    QObject context;
    const QString key = QStringLiteral("profile/This computer/session");
    const QByteArray secret = "s3cret-" + QByteArray::number(QDateTime::currentMSecsSinceEpoch());

    auto written =
        waitFor([&](SecretStore::Done done) { store.write(key, secret, &context, done); });
    QVERIFY(written);
    QVERIFY2(written->ok(), qPrintable(written->message));

    auto read = readBack(store, key, &context);
    QVERIFY(read);
    QVERIFY2(read->outcome.ok(), qPrintable(read->outcome.message));
    QCOMPARE(read->secret, secret);
    QVERIFY2(filesContaining(QDir::homePath(), secret).isEmpty(),
             qPrintable(filesContaining(QDir::homePath(), secret).join(u", ")));

    const QByteArray replacement = secret + "-2";
    written =
        waitFor([&](SecretStore::Done done) { store.write(key, replacement, &context, done); });
    QVERIFY(written && written->ok());
    read = readBack(store, key, &context);
    QVERIFY(read && read->outcome.ok());
    QCOMPARE(read->secret, replacement);

    auto removed = waitFor([&](SecretStore::Done done) { store.remove(key, &context, done); });
    QVERIFY(removed);
    QVERIFY2(removed->ok(), qPrintable(removed->message));
    read = readBack(store, key, &context);
    QVERIFY(read);
    QCOMPARE(read->outcome.status, SecretStore::Status::NotFound);
    QVERIFY(read->secret.isEmpty());
}

void TestAppKeychain::readingAMissingKeyIsNotFound()
{
    const SecretStore store(QStringLiteral("OpenOPD test"));
    QObject context;
    auto read = readBack(store, QStringLiteral("never-written"), &context);
    QVERIFY(read);
    QCOMPARE(read->outcome.status, SecretStore::Status::NotFound);
}

QTEST_GUILESS_MAIN(TestAppKeychain)
#include "test_app_keychain.moc"
