#pragma once

// Edits one connection profile: name, server URLs, and the TLS files where the deployment
// uses them. Nothing secret: the key file's path, never a password.

#include "core/connection_profile.h"

#include <QDialog>

class QFormLayout;
class QLineEdit;
class QLabel;

namespace openopd::app {

class ProfileEditor final : public QDialog
{
    Q_OBJECT
public:
    explicit ProfileEditor(const ConnectionProfile& profile, QWidget* parent = nullptr);

    ConnectionProfile profile() const;

    void accept() override;

private:
    QLineEdit* addFileRow(QFormLayout* form, const QString& label, const QString& value,
                          const QString& accessible);

    ConnectionProfile m_original;
    QLineEdit* m_name = nullptr;
    QLineEdit* m_servers = nullptr;
    QLineEdit* m_ca = nullptr;
    QLineEdit* m_cert = nullptr;
    QLineEdit* m_key = nullptr;
    QLabel* m_error = nullptr;
};

} // namespace openopd::app
