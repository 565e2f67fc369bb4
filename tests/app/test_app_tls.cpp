// Sign-in failures over TLS get their own message (not "unreachable", not "wrong password"):
// a server certificate the profile's CA does not vouch for, and a profile whose certificate
// files are missing. With the right CA and client certificate the TLS connection is made and
// sign-in goes on to the (absent) identity service. A real nats-server with TLS (test
// certificates from tests/support); no accounts, so no identity is needed for these checks.

#include "core/session.h"
#include "support/nats_server.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace openopd;
using namespace openopd::app;

class TestAppTls : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void initTestCase();
    void anUntrustedServerCertificateIsATlsFailure();
    void missingCertificateFilesAreATlsFailure();
    void theRightFilesGetPastTls();

private:
    SignInFailure signInFails(const ConnectionProfile& profile);
    ConnectionProfile profile(const QString& ca, const QString& cert, const QString& key) const;

    QTemporaryDir m_dir;
    testing::TestCertificates m_certs;
    testing::TestCertificates m_otherCa; // a CA that did not sign the server's certificate
    std::unique_ptr<testing::NatsServer> m_nats;
};

void TestAppTls::initTestCase()
{
    QString error;
    QVERIFY2(m_certs.generate(m_dir.filePath(QStringLiteral("certs")), &error), qPrintable(error));
    QVERIFY2(m_otherCa.generate(m_dir.filePath(QStringLiteral("other")), &error),
             qPrintable(error));
    m_nats = std::make_unique<testing::NatsServer>(m_certs.serverTlsConfig(true));
    QVERIFY2(m_nats->start(), qPrintable(m_nats->errorString()));
}

ConnectionProfile TestAppTls::profile(const QString& ca, const QString& cert,
                                      const QString& key) const
{
    ConnectionProfile p;
    p.name = QStringLiteral("TLS clinic");
    p.servers = {m_nats->tlsUrl()};
    p.caFile = ca;
    p.certFile = cert;
    p.keyFile = key;
    return p;
}

SignInFailure TestAppTls::signInFails(const ConnectionProfile& p)
{
    Session session;
    QSignalSpy failed(&session, &Session::signInFailed);
    QSignalSpy signedIn(&session, &Session::signedIn);
    session.signIn(p, QStringLiteral("reception"), QStringLiteral("demo-password"));
    if (failed.isEmpty() && !failed.wait(30000))
        return {SignInFailure::Kind::Other, QStringLiteral("no failure reported")};
    if (!signedIn.isEmpty())
        return {SignInFailure::Kind::Other, QStringLiteral("signed in")};
    return failed.first().first().value<SignInFailure>();
}

void TestAppTls::anUntrustedServerCertificateIsATlsFailure()
{
    const SignInFailure failure =
        signInFails(profile(m_otherCa.caCert, m_otherCa.clientCert, m_otherCa.clientKey));
    QVERIFY2(failure.kind == SignInFailure::Kind::Tls, qPrintable(failure.message));
    QVERIFY2(failure.message.startsWith(u"The secure connection to the server failed"),
             qPrintable(failure.message));
}

void TestAppTls::missingCertificateFilesAreATlsFailure()
{
    const SignInFailure failure = signInFails(profile(
        m_dir.filePath(QStringLiteral("missing-ca.pem")), m_certs.clientCert, m_certs.clientKey));
    QVERIFY2(failure.kind == SignInFailure::Kind::Tls, qPrintable(failure.message));
    QVERIFY2(failure.message.contains(u"missing-ca.pem"), qPrintable(failure.message));
}

void TestAppTls::theRightFilesGetPastTls()
{
    // The server has no identity service: TLS and the connection succeed, the sign-in
    // request finds nobody. That is the "service down" message, not a TLS one.
    const SignInFailure failure =
        signInFails(profile(m_certs.caCert, m_certs.clientCert, m_certs.clientKey));
    QVERIFY2(failure.kind == SignInFailure::Kind::ServiceDown, qPrintable(failure.message));
}

QTEST_GUILESS_MAIN(TestAppTls)
#include "test_app_tls.moc"
