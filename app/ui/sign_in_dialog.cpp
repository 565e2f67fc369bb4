#include "ui/sign_in_dialog.h"

#include "ui/error_label.h"
#include "ui/profile_editor.h"

#include <QComboBox>
#include <QDialogButtonBox>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace openopd::app {

SignInDialog::SignInDialog(Session& session, ProfileStore& profiles, QWidget* parent)
    : QDialog(parent), m_session(session), m_profiles(profiles)
{
    setWindowTitle(tr("Sign in to OpenOPD"));
    // Wide enough for a two-line message without squeezing the fields.
    setMinimumWidth(fontMetrics().averageCharWidth() * 64);
    auto* layout = new QVBoxLayout(this);

    m_notice = new QLabel(this);
    m_notice->setObjectName(QStringLiteral("notice"));
    m_notice->setWordWrap(true);
    m_notice->hide();
    layout->addWidget(m_notice);

    auto* form = new QFormLayout;
    layout->addLayout(form);

    auto* profileRow = new QHBoxLayout;
    m_profile = new QComboBox(this);
    m_profile->setObjectName(QStringLiteral("profile"));
    m_profile->setAccessibleName(tr("Connection profile"));
    m_edit = new QPushButton(tr("&Edit…"), this);
    m_edit->setAccessibleName(tr("Edit the connection profile"));
    m_edit->setAutoDefault(false);
    m_add = new QPushButton(tr("Ne&w…"), this);
    m_add->setAccessibleName(tr("New connection profile"));
    m_add->setAutoDefault(false);
    profileRow->addWidget(m_profile, 1);
    profileRow->addWidget(m_edit);
    profileRow->addWidget(m_add);
    auto* profileLabel = new QLabel(tr("&Connection:"), this);
    profileLabel->setBuddy(m_profile);
    form->addRow(profileLabel, profileRow);

    m_user = new QLineEdit(this);
    m_user->setObjectName(QStringLiteral("user"));
    m_user->setAccessibleName(tr("User name"));
    m_user->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText);
    form->addRow(tr("&User name:"), m_user);

    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setAccessibleName(tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);

    // The error sits right under the fields it is about.
    m_error = makeErrorLabel(this, tr("Sign-in error"));
    layout->addWidget(m_error);

    m_progress = new QProgressBar(this);
    m_progress->setObjectName(QStringLiteral("progress"));
    m_progress->setAccessibleName(tr("Signing in"));
    m_progress->setRange(0, 0); // busy: the time is not known
    m_progress->setFormat(tr("Signing in…"));
    m_progress->setTextVisible(true);
    m_progress->hide();
    layout->addWidget(m_progress);

    auto* buttons = new QDialogButtonBox(this);
    m_signIn = buttons->addButton(tr("&Sign in"), QDialogButtonBox::AcceptRole);
    m_signIn->setObjectName(QStringLiteral("signIn"));
    m_signIn->setDefault(true);
    QPushButton* quit = buttons->addButton(QDialogButtonBox::Cancel);
    quit->setAutoDefault(false);
    layout->addWidget(buttons);

    connect(m_signIn, &QPushButton::clicked, this, &SignInDialog::submit);
    connect(quit, &QPushButton::clicked, this, &SignInDialog::reject);
    connect(m_edit, &QPushButton::clicked, this, [this] { editProfile(false); });
    connect(m_add, &QPushButton::clicked, this, [this] { editProfile(true); });
    connect(m_profile, &QComboBox::activated, this, &SignInDialog::onProfileChosen);

    connect(&m_session, &Session::signedIn, this, [this] {
        setBusy(false);
        m_password->clear();
        m_profiles.setCurrentName(m_session.profile().name);
        m_profiles.setLastUser(m_session.profile().name, m_session.principal().staffId);
        accept();
    });
    connect(&m_session, &Session::signInFailed, this, [this](const SignInFailure& failure) {
        setBusy(false);
        showError(failure.message, failure.detail);
        m_password->selectAll();
        m_password->setFocus();
    });
    prepare();
}

void SignInDialog::prepare(bool keepLastUser)
{
    reloadProfiles(m_profiles.currentName());
    m_password->clear();
    m_error->hide();
    m_error->clear();
    m_notice->hide();
    setBusy(false);
    const ConnectionProfile profile = currentProfile();
    m_user->setText(keepLastUser ? profile.lastUser : QString());
    (m_user->text().isEmpty() ? m_user : m_password)->setFocus();
}

void SignInDialog::showNotice(const QString& text)
{
    m_notice->setText(text);
    m_notice->setVisible(!text.isEmpty());
}

QString SignInDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

void SignInDialog::reloadProfiles(const QString& select)
{
    m_list = m_profiles.profiles();
    m_profile->clear();
    int index = 0;
    for (int i = 0; i < m_list.size(); ++i) {
        m_profile->addItem(m_list.at(i).name, m_list.at(i).servers.join(QStringLiteral(", ")));
        if (m_list.at(i).name == select)
            index = i;
    }
    m_profile->setCurrentIndex(index);
}

ConnectionProfile SignInDialog::currentProfile() const
{
    const int index = m_profile->currentIndex();
    return index >= 0 && index < m_list.size() ? m_list.at(index) : ConnectionProfile{};
}

void SignInDialog::onProfileChosen()
{
    m_profiles.setCurrentName(currentProfile().name);
    if (m_user->text().isEmpty())
        m_user->setText(currentProfile().lastUser);
}

void SignInDialog::editProfile(bool asNew)
{
    ConnectionProfile start = asNew ? ConnectionProfile{} : currentProfile();
    if (asNew)
        start.servers = {QStringLiteral("tls://")};
    auto* editor = new ProfileEditor(start, this);
    editor->setAttribute(Qt::WA_DeleteOnClose);
    const QString oldName = start.name;
    connect(editor, &QDialog::accepted, this, [this, editor, oldName, asNew] {
        const ConnectionProfile edited = editor->profile();
        if (!asNew && edited.name != oldName)
            m_profiles.remove(oldName);
        m_profiles.save(edited);
        m_profiles.setCurrentName(edited.name);
        reloadProfiles(edited.name);
    });
    editor->open(); // window-modal, returns at once
}

void SignInDialog::submit()
{
    if (m_session.phase() != Session::Phase::SignedOut)
        return;
    const ConnectionProfile profile = currentProfile();
    if (m_user->text().trimmed().isEmpty()) {
        showError(tr("Enter your user name."));
        m_user->setFocus();
        return;
    }
    if (m_password->text().isEmpty()) {
        showError(tr("Enter your password."));
        m_password->setFocus();
        return;
    }
    if (!profile.isValid()) {
        showError(tr("Choose a connection profile with a server address."));
        m_profile->setFocus();
        return;
    }
    m_error->hide();
    setBusy(true);
    m_session.signIn(profile, m_user->text(), m_password->text());
}

void SignInDialog::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    for (QWidget* widget : {static_cast<QWidget*>(m_profile), static_cast<QWidget*>(m_edit),
                            static_cast<QWidget*>(m_add), static_cast<QWidget*>(m_user),
                            static_cast<QWidget*>(m_password), static_cast<QWidget*>(m_signIn)})
        widget->setEnabled(!busy);
}

void SignInDialog::showError(const QString& text, const QString& detail)
{
    m_error->setText(text);
    // The technical reason is for whoever fixes it (IT), not the message staff read first.
    m_error->setToolTip(detail.isEmpty() ? QString() : tr("Technical detail: %1").arg(detail));
    m_error->show();
    adjustSize(); // grow with the message instead of squeezing the form
}

void SignInDialog::reject()
{
    // Cancel while signing in gives up the attempt; otherwise it closes the dialog (quit).
    if (m_session.phase() == Session::Phase::SigningIn) {
        m_session.cancelSignIn();
        setBusy(false);
        return;
    }
    QDialog::reject();
}

} // namespace openopd::app
