#pragma once

// Shared by the reception patient GUI tests: the clinic as shipped (OpdCluster, secured,
// demo data), the app signed in as the demo `reception` user through the real sign-in
// dialog (AppHarness), a desk window to parent the forms, reception's own bus client to set
// up and read back what the service stored, and helpers that type into the patient form
// like a person at the desk.

#include "app_harness.h"
#include "bus/typed.h"
#include "opd_cluster.h"
#include "protocol/endpoints.h"
#include "ui/reception/patient_form_dialog.h"

#include <QPushButton>
#include <QTemporaryDir>
#include <QTest>
#include <memory>
#include <optional>

namespace openopd::testing {

inline constexpr int kReceptionWait = 20000;

// A request, waited for with the event loop running.
template <class Req, class Rep>
bus::Result<Rep> call(bus::Connection& connection, const bus::Endpoint<Req, Rep>& endpoint,
                      const Req& request)
{
    std::optional<bus::Result<Rep>> result;
    QObject context;
    bus::request(connection, endpoint, request, &context,
                 [&](bus::Result<Rep> reply) { result = std::move(reply); });
    if (!QTest::qWaitFor([&] { return result.has_value(); }, kReceptionWait))
        return bus::BusError::make(bus::BusError::Kind::Timeout, QStringLiteral("test wait"));
    return *result;
}

protocol::PatientDetails patientDetails(const QString& name, QDate born,
                                        const QString& nationalId = {});
QWidget* formField(app::PatientFormDialog* dialog, const char* key);
// Selects the field's text and types over it, key by key.
void typeInto(app::PatientFormDialog* dialog, const char* key, const QString& text);
// Picks the sex with the keyboard: focus the combo box and type the first letter.
void chooseSex(app::PatientFormDialog* dialog, const QString& letter);
QPushButton* findButton(QWidget* parent, const char* name);
// With OPENOPD_SCREENSHOTS=<dir>, saves what the widget shows (docs/screenshots).
void snapshot(QWidget* widget, const QString& name);

class ReceptionPatientsRig
{
public:
    // Starts the clinic, signs in through the dialog, opens the desk window; false (why).
    bool start(QString* why);
    void stop();

    // A register (no patient) or edit form over the desk: open(), never exec(); active.
    app::PatientFormDialog* openForm(const std::optional<protocol::Patient>& patient = {});
    // Registers through the bus client (confirm_duplicate); an empty Patient on failure.
    protocol::Patient registerDirectly(const protocol::PatientDetails& details);
    // Patients whose full name is exactly name.
    QList<protocol::Patient> searchByName(const QString& name);

    OpdCluster cluster;
    QTemporaryDir dir;
    std::unique_ptr<AppHarness> app;
    std::unique_ptr<bus::Connection> client; // reception's own session, for reading back
    std::unique_ptr<QWidget> desk;
};

} // namespace openopd::testing
