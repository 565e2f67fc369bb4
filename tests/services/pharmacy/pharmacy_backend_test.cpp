#include "pharmacy_backend_test.h"

#include <QTest>
#include <csignal>

namespace openopd::testing {

void PharmacyBackendTest::initTestCase_data()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgres") << QStringLiteral("postgres");
}

void PharmacyBackendTest::initTestCase()
{
    std::signal(SIGPIPE, SIG_IGN);
    m_library.emplace();
}

void PharmacyBackendTest::init()
{
    QFETCH_GLOBAL(QString, backend);
    if (backend != m_backend) {
        QVERIFY2(m_harness.start(backend), qPrintable(m_harness.error()));
        m_backend = backend;
    }
}

void PharmacyBackendTest::cleanup()
{
    if (QTest::currentTestFailed())
        qWarning().noquote() << "service log:\n" << m_harness.serviceLog();
}

} // namespace openopd::testing
