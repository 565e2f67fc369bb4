#include "ui/profile_editor.h"

#include <QDialogButtonBox>
#include <QFileDialog>
#include <QFormLayout>
#include <QHBoxLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QRegularExpression>
#include <QUrl>
#include <QVBoxLayout>

namespace openopd::app {

namespace {

QStringList splitServers(const QString& text)
{
    QStringList servers;
    for (const QString& part :
         text.split(QRegularExpression(QStringLiteral("[,\\s]+")), Qt::SkipEmptyParts))
        servers.append(part.trimmed());
    return servers;
}

} // namespace

ProfileEditor::ProfileEditor(const ConnectionProfile& profile, QWidget* parent)
    : QDialog(parent), m_original(profile)
{
    setWindowTitle(tr("Connection profile"));
    auto* layout = new QVBoxLayout(this);
    auto* form = new QFormLayout;
    layout->addLayout(form);

    m_name = new QLineEdit(profile.name, this);
    m_name->setAccessibleName(tr("Profile name"));
    form->addRow(tr("&Name:"), m_name);

    m_servers = new QLineEdit(profile.servers.join(QStringLiteral(", ")), this);
    m_servers->setAccessibleName(tr("Server addresses"));
    m_servers->setToolTip(tr("One or more addresses, separated by commas, for example "
                             "tls://opd-server.clinic.lan:4222"));
    form->addRow(tr("&Servers:"), m_servers);

    m_ca = addFileRow(form, tr("&CA certificate:"), profile.caFile, tr("CA certificate file"));
    m_cert = addFileRow(form, tr("C&lient certificate:"), profile.certFile,
                        tr("Client certificate file"));
    m_key = addFileRow(form, tr("Client &key:"), profile.keyFile, tr("Client key file"));

    m_error = new QLabel(this);
    m_error->setWordWrap(true);
    m_error->setAccessibleDescription(tr("Profile error"));
    m_error->hide();
    layout->addWidget(m_error);

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Save | QDialogButtonBox::Cancel, this);
    connect(buttons, &QDialogButtonBox::accepted, this, &ProfileEditor::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &ProfileEditor::reject);
    layout->addWidget(buttons);
}

QLineEdit* ProfileEditor::addFileRow(QFormLayout* form, const QString& label, const QString& value,
                                     const QString& accessible)
{
    auto* row = new QHBoxLayout;
    auto* edit = new QLineEdit(value, this);
    edit->setAccessibleName(accessible);
    auto* browse = new QPushButton(tr("Browse…"), this);
    browse->setAccessibleName(tr("Choose %1").arg(accessible));
    connect(browse, &QPushButton::clicked, this, [this, edit] {
        // Non-blocking: the file dialog is window-modal and answers through a signal.
        auto* dialog = new QFileDialog(this, tr("Choose a file"), edit->text());
        dialog->setAttribute(Qt::WA_DeleteOnClose);
        dialog->setFileMode(QFileDialog::ExistingFile);
        connect(dialog, &QFileDialog::fileSelected, edit, &QLineEdit::setText);
        dialog->open();
    });
    row->addWidget(edit, 1);
    row->addWidget(browse);
    form->addRow(label, row);
    if (auto* labelWidget = qobject_cast<QLabel*>(form->labelForField(row)))
        labelWidget->setBuddy(edit);
    return edit;
}

ConnectionProfile ProfileEditor::profile() const
{
    ConnectionProfile profile = m_original;
    profile.name = m_name->text().trimmed();
    profile.servers = splitServers(m_servers->text());
    profile.caFile = m_ca->text().trimmed();
    profile.certFile = m_cert->text().trimmed();
    profile.keyFile = m_key->text().trimmed();
    return profile;
}

void ProfileEditor::accept()
{
    const ConnectionProfile edited = profile();
    QString problem;
    if (edited.name.isEmpty())
        problem = tr("Give the profile a name.");
    else if (edited.servers.isEmpty())
        problem = tr("Enter at least one server address.");
    for (const QString& server : edited.servers) {
        const QUrl url(server);
        const QString scheme = url.scheme();
        if (problem.isEmpty() &&
            (!url.isValid() || url.host().isEmpty() || (scheme != u"nats" && scheme != u"tls")))
            problem = tr("\"%1\" is not a server address (nats://host:port or "
                         "tls://host:port).")
                          .arg(server);
    }
    if (problem.isEmpty() && edited.certFile.isEmpty() != edited.keyFile.isEmpty())
        problem = tr("A client certificate needs its key, and a key its certificate.");
    if (!problem.isEmpty()) {
        m_error->setText(problem);
        m_error->show();
        return;
    }
    QDialog::accept();
}

} // namespace openopd::app
