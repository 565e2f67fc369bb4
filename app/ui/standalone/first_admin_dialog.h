#pragma once

// First run of a standalone clinic (no administrator yet, not demo data): asks for the first
// admin's user name and password (twice), checks them here, and hands them on with
// submitted(); the creation runs elsewhere (ClinicSupervisor::createFirstAdmin), the dialog
// stays up, busy, until it succeeded or showError() says why not. Cancel quits.

#include <QDialog>

class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;

namespace openopd::app {

class FirstAdminDialog final : public QDialog
{
    Q_OBJECT
public:
    explicit FirstAdminDialog(QWidget* parent = nullptr);

    void showError(const QString& text);
    void setBusy(bool busy);
    QString errorText() const;

Q_SIGNALS:
    void submitted(const QString& name, const QString& password);

private:
    void submit();

    QLineEdit* m_name = nullptr;
    QLineEdit* m_password = nullptr;
    QLineEdit* m_repeat = nullptr;
    QLabel* m_error = nullptr;
    QProgressBar* m_progress = nullptr;
    QPushButton* m_create = nullptr;
};

} // namespace openopd::app
