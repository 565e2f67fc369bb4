#pragma once

// Sign-in: connection profile (pick or edit), user name, password. Signing in never blocks:
// the form is disabled with a progress bar while the session works, and a failure is shown
// next to the form (its own message for a wrong password, a disabled account, too many
// attempts, an unreachable server, a TLS failure). Keyboard only: Enter signs in.

#include "core/connection_profile.h"
#include "core/session.h"

#include <QDialog>

class QComboBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace openopd::app {

class SignInDialog final : public QDialog
{
    Q_OBJECT
public:
    SignInDialog(Session& session, ProfileStore& profiles, QWidget* parent = nullptr);

    // Ready for the next person: profiles reloaded, password and error cleared, the user name
    // of the profile's last sign-in filled in (switch user clears it instead).
    void prepare(bool keepLastUser = true);
    // Shows why the previous session ended (e.g. it expired), above the form.
    void showNotice(const QString& text);

    QString errorText() const;

private:
    void submit();
    void editProfile(bool asNew);
    void reloadProfiles(const QString& select);
    void onProfileChosen();
    void setBusy(bool busy);
    void showError(const QString& text, const QString& detail = {});
    ConnectionProfile currentProfile() const;
    void reject() override;

    Session& m_session;
    ProfileStore& m_profiles;
    QList<ConnectionProfile> m_list;
    QComboBox* m_profile = nullptr;
    QPushButton* m_edit = nullptr;
    QPushButton* m_add = nullptr;
    QLineEdit* m_user = nullptr;
    QLineEdit* m_password = nullptr;
    QLabel* m_notice = nullptr;
    QLabel* m_error = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_signIn = nullptr;
};

} // namespace openopd::app
