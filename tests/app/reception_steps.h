#pragma once

// The reception desk driven through its real widgets with the keyboard, for the end-to-end
// visit test: register a patient through the form (Ctrl+N), with their first visit or
// then opening one (Ctrl+O), and read the token the dialog shows. Each step waits (bounded) for
// what the screen should then show and returns false with *why when it does not.

#include "protocol/patient.h"

#include <QString>

namespace openopd::app {
class ReceptionWorkspace;
}

namespace openopd::testing::reception {

struct NewPatient
{
    QString fullName;
    QString dateOfBirth; // as typed: yyyy-MM-dd
    QString sexLetter = QStringLiteral("F");
    QString phone{};
    QString allergies{}; // comma-separated, as typed
};

// Ctrl+N, types every field, unticks "Open a visit now", Enter; true once the service saved
// the patient (into *saved) and the form closed. The card then shows the patient.
bool registerPatient(app::ReceptionWorkspace* desk, const NewPatient& input,
                     protocol::Patient* saved, QString* why, int timeoutMs = 20000);
// The same with "Open a visit now" ticked (the queue preselected): one request registers
// the patient and opens the visit; true once the token page the desk then shows has a token
// (its number into *token); Escape closes it.
bool registerWithFirstVisit(app::ReceptionWorkspace* desk, const NewPatient& input,
                            protocol::Patient* saved, int* token, QString* why,
                            int timeoutMs = 20000);
// Ctrl+O for the patient on the card, Enter; true once the dialog shows the token (its
// number into *token); Escape closes the dialog.
bool openVisit(app::ReceptionWorkspace* desk, int* token, QString* why, int timeoutMs = 20000);

} // namespace openopd::testing::reception
