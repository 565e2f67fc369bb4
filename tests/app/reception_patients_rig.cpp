#include "reception_patients_rig.h"

#include "ui/reception/patient_form_fields.h"

#include <QApplication>
#include <QComboBox>
#include <QLineEdit>

namespace openopd::testing {

protocol::PatientDetails patientDetails(const QString& name, QDate born, const QString& nationalId)
{
    protocol::PatientDetails d;
    d.fullName = name;
    d.dateOfBirth = born;
    d.sex = protocol::Sex::Female;
    d.nationalId = nationalId;
    return d;
}

QWidget* formField(app::PatientFormDialog* dialog, const char* key)
{
    return dialog->fields()->field(QString::fromLatin1(key));
}

void typeInto(app::PatientFormDialog* dialog, const char* key, const QString& text)
{
    auto* edit = qobject_cast<QLineEdit*>(formField(dialog, key));
    QVERIFY2(edit, key);
    edit->setFocus();
    edit->selectAll();
    if (text.isEmpty())
        QTest::keyClick(edit, Qt::Key_Delete);
    else
        QTest::keyClicks(edit, text);
}

void chooseSex(app::PatientFormDialog* dialog, const QString& letter)
{
    auto* sex = qobject_cast<QComboBox*>(formField(dialog, "sex"));
    QVERIFY(sex);
    sex->setFocus();
    QTest::keyClicks(sex, letter);
    QVERIFY(sex->currentIndex() >= 0);
}

QPushButton* findButton(QWidget* parent, const char* name)
{
    return parent->findChild<QPushButton*>(QString::fromLatin1(name));
}

void snapshot(QWidget* widget, const QString& name)
{
    const QString dir = qEnvironmentVariable("OPENOPD_SCREENSHOTS");
    if (dir.isEmpty())
        return;
    QTest::qWait(50); // let pending layout requests run, as the event loop would before painting
    widget->grab().save(dir + u'/' + name + QStringLiteral(".png"));
}

bool ReceptionPatientsRig::start(QString* why)
{
    if (!dir.isValid()) {
        *why = QStringLiteral("no temporary directory");
        return false;
    }
    cluster.setSecured(true);
    if (!cluster.startAll(true)) {
        *why = cluster.errorString();
        return false;
    }
    app = std::make_unique<AppHarness>(QStringList{cluster.nats().url()},
                                       dir.filePath(QStringLiteral("app.ini")));
    if (!app->signIn(QStringLiteral("reception"), OpdCluster::demoPassword(), why))
        return false;
    client = cluster.signIn(QStringLiteral("reception"), OpdCluster::demoPassword());
    if (!client) {
        *why = cluster.errorString();
        return false;
    }
    desk = std::make_unique<QWidget>();
    desk->resize(1000, 600);
    return true;
}

void ReceptionPatientsRig::stop()
{
    desk.reset();
    client.reset();
    app.reset();
}

app::PatientFormDialog*
ReceptionPatientsRig::openForm(const std::optional<protocol::Patient>& patient)
{
    auto* dialog = patient ? new app::PatientFormDialog(app->session, *patient, desk.get())
                           : new app::PatientFormDialog(app->session, desk.get());
    dialog->open(); // window-modal, never exec(): the event loop keeps running
    // (qWaitForWindowActive also counts the active parent of a dialog as the dialog's.)
    dialog->activateWindow();
    if (!QTest::qWaitFor([dialog] { return QApplication::activeWindow() == dialog; }))
        qWarning("the form did not become the active window");
    return dialog;
}

protocol::Patient ReceptionPatientsRig::registerDirectly(const protocol::PatientDetails& d)
{
    protocol::CreatePatientRequest request;
    request.staff = {QStringLiteral("reception"), QStringLiteral("Reception"),
                     protocol::StaffRole::Reception};
    request.patient = d;
    request.confirmDuplicate = true;
    auto reply = call(*client, protocol::kCreatePatient, request);
    if (!reply || !reply.value().patient) {
        qWarning("registering %s failed: %s", qPrintable(d.fullName),
                 qPrintable(reply ? QStringLiteral("not created") : reply.error().toString()));
        return {};
    }
    return *reply.value().patient;
}

QList<protocol::Patient> ReceptionPatientsRig::searchByName(const QString& name)
{
    protocol::SearchPatientsRequest request;
    request.query = name;
    request.by = protocol::PatientSearchField::Name;
    request.limit = 50;
    auto reply = call(*client, protocol::kSearchPatients, request);
    if (!reply)
        return {};
    QList<protocol::Patient> exact;
    for (const protocol::Patient& patient : reply.value().patients)
        if (patient.details.fullName == name)
            exact.append(patient);
    return exact;
}

} // namespace openopd::testing
