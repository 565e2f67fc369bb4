#include "ui/standalone/first_admin_dialog.h"

#include "protocol/identity_api.h"
#include "ui/error_label.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QVBoxLayout>

namespace openopd::app {

FirstAdminDialog::FirstAdminDialog(QWidget* parent) : QDialog(parent)
{
    setObjectName(QStringLiteral("firstAdminDialog"));
    setWindowTitle(tr("Create the clinic's administrator"));
    setMinimumWidth(fontMetrics().averageCharWidth() * 64);
    auto* layout = new QVBoxLayout(this);

    auto* intro = new QLabel(
        tr("This clinic has no administrator yet. Choose the user name and password of the "
           "first one: the administrator signs in to create the other staff accounts. Keep the "
           "password safe: nobody else can recover it."),
        this);
    intro->setWordWrap(true);
    layout->addWidget(intro);

    auto* form = new QFormLayout;
    layout->addLayout(form);
    m_name = new QLineEdit(QStringLiteral("admin"), this);
    m_name->setObjectName(QStringLiteral("name"));
    m_name->setAccessibleName(tr("Administrator's user name"));
    m_name->setInputMethodHints(Qt::ImhNoAutoUppercase | Qt::ImhNoPredictiveText);
    form->addRow(tr("&User name:"), m_name);
    m_password = new QLineEdit(this);
    m_password->setObjectName(QStringLiteral("password"));
    m_password->setAccessibleName(tr("Password"));
    m_password->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Password:"), m_password);
    m_repeat = new QLineEdit(this);
    m_repeat->setObjectName(QStringLiteral("repeat"));
    m_repeat->setAccessibleName(tr("Repeat the password"));
    m_repeat->setEchoMode(QLineEdit::Password);
    form->addRow(tr("&Repeat the password:"), m_repeat);

    m_error = makeErrorLabel(this, tr("Why the administrator was not created"));
    layout->addWidget(m_error);

    m_progress = new QProgressBar(this);
    m_progress->setRange(0, 0);
    m_progress->setFormat(tr("Creating the administrator…"));
    m_progress->setTextVisible(true);
    m_progress->hide();
    layout->addWidget(m_progress);

    auto* buttons = new QDialogButtonBox(this);
    m_create = buttons->addButton(tr("&Create administrator"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(QStringLiteral("create"));
    m_create->setDefault(true);
    QPushButton* quit = buttons->addButton(QDialogButtonBox::Cancel);
    quit->setAutoDefault(false);
    layout->addWidget(buttons);
    connect(m_create, &QPushButton::clicked, this, &FirstAdminDialog::submit);
    connect(quit, &QPushButton::clicked, this, &FirstAdminDialog::reject);
    m_password->setFocus();
}

void FirstAdminDialog::submit()
{
    const QString name = m_name->text().trimmed();
    if (!protocol::identity::isStaffAccountId(name)) {
        showError(tr("The user name may have 1 to %1 of a-z, 0-9, '.', '_' and '-', starting "
                     "with a letter or digit.")
                      .arg(protocol::identity::kStaffId));
        m_name->setFocus();
        return;
    }
    const QString password = m_password->text();
    if (password.size() < protocol::identity::kMinPassword ||
        password.size() > protocol::identity::kMaxPassword) {
        showError(tr("The password must have %1 to %2 characters.")
                      .arg(protocol::identity::kMinPassword)
                      .arg(protocol::identity::kMaxPassword));
        m_password->setFocus();
        return;
    }
    if (m_repeat->text() != password) {
        showError(tr("The two passwords differ: type the same password twice."));
        m_repeat->clear();
        m_repeat->setFocus();
        return;
    }
    m_error->hide();
    setBusy(true);
    Q_EMIT submitted(name, password);
}

void FirstAdminDialog::showError(const QString& text)
{
    setBusy(false);
    m_error->setText(text);
    m_error->show();
    adjustSize(); // grow with the message instead of squeezing the form
}

void FirstAdminDialog::setBusy(bool busy)
{
    m_progress->setVisible(busy);
    adjustSize();
    m_name->setEnabled(!busy);
    m_password->setEnabled(!busy);
    m_repeat->setEnabled(!busy);
    m_create->setEnabled(!busy);
}

QString FirstAdminDialog::errorText() const
{
    return m_error->isVisible() ? m_error->text() : QString();
}

} // namespace openopd::app
