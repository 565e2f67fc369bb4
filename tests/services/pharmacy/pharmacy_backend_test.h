#pragma once

// The base of the pharmacy tests that run every function on SQLite and on PostgreSQL: one
// pharmacy process per backend (restarted when the backend changes), its log printed when a
// function fails. Qt Test runs the special slots of a base class like its own.

#include "bus/nats_library.h"
#include "pharmacy_harness.h"

#include <QDate>
#include <optional>

namespace openopd::testing {

class PharmacyBackendTest : public QObject
{
    Q_OBJECT

protected:
    std::optional<bus::NatsLibrary> m_library;
    PharmacyHarness m_harness;
    QString m_backend;
    QDate m_today = QDate::currentDate();

private Q_SLOTS:
    void initTestCase_data();
    void initTestCase();
    void init();
    void cleanup();
};

} // namespace openopd::testing
