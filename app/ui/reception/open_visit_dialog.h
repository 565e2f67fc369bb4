#pragma once

// Opens a visit for a patient (issue 10): queue, priority and complaint (VisitFields), then Open
// sends opd.registration.visit.open once as a Command (one request id). While it is in flight the
// form is locked and says so. When the answer is lost the command reads the waiting list
// and the dialog says what it found: "Try again" (the same request id) only when the read
// showed that no visit was opened, "Check again" when the read failed too. On success it
// emits visitOpened and shows the token (TokenView) with its slip. Not modal: show() or
// open(); closing it never cancels a command already sent.

#include "core/session.h"
#include "protocol/patient.h"
#include "protocol/registration_api.h"
#include "protocol/visit.h"

#include <QDialog>
#include <QPointer>

class QLabel;
class QPushButton;
class QStackedWidget;

namespace openopd::app {

class Command;
class TokenView;
class VisitFields;

class OpenVisitDialog final : public QDialog
{
    Q_OBJECT
public:
    OpenVisitDialog(Session& session, const protocol::Patient& patient, QWidget* parent = nullptr);
    ~OpenVisitDialog() override;
    Q_DISABLE_COPY_MOVE(OpenVisitDialog)

    // The queues offered (the first is preselected); the field also takes a typed name.
    void setQueues(const QStringList& queues);
    // Starts the form with these fields (what was typed into the register form before the
    // patient turned out to be registered already); nothing is sent until Open visit.
    void setVisit(const protocol::FirstVisit& visit);
    // Printed on the slip when known.
    void setClinicName(const QString& name) { m_clinicName = name; }

    const protocol::Patient& patient() const { return m_patient; }
    TokenView* tokenView() const { return m_tokenView; }
    // The command of the last Open (null before), for tests and the lead's status bar.
    Command* command() const { return m_command; }
    // The status line's text (sending, outcome, error).
    QString statusText() const;
    // Shows the token page for a visit opened elsewhere (the register form's first visit)
    // and emits visitOpened.
    void showToken(const protocol::Visit& visit);

Q_SIGNALS:
    void visitOpened(const openopd::protocol::Visit& visit);

private:
    void openVisit();
    void onPhase();
    void setFormEnabled(bool enabled);

    Session& m_session;
    protocol::Patient m_patient;
    QString m_clinicName;
    QStackedWidget* m_pages = nullptr;
    VisitFields* m_fields = nullptr;
    QLabel* m_status = nullptr;
    QPushButton* m_open = nullptr;
    QPushButton* m_repeat = nullptr;
    QPushButton* m_checkAgain = nullptr;
    TokenView* m_tokenView = nullptr;
    QPointer<Command> m_command;
};

} // namespace openopd::app
