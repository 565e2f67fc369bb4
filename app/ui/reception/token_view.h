#pragma once

// A visit's token, shown large with the patient's name, and its slip: "Print slip…" (the
// print dialog, opened without blocking) and "Save slip as PDF…" (a file dialog opened
// without blocking; the file is written on a worker thread).

#include "core/reception/token_slip.h"

#include <QWidget>
#include <memory>

class QLabel;
class QPrinter;
class QPushButton;

namespace openopd::app {

class TokenView final : public QWidget
{
    Q_OBJECT
public:
    explicit TokenView(QWidget* parent = nullptr);
    ~TokenView() override;
    Q_DISABLE_COPY_MOVE(TokenView)

    // Shows this visit's token (mrn and clinicName go on the slip when known).
    void setVisit(const protocol::Visit& visit, const QString& mrn = {},
                  const QString& clinicName = {});
    const TokenSlip& slip() const { return m_slip; }
    // The token as shown ("12").
    QString tokenText() const;
    // Where "Save slip as PDF…" proposes to save (Documents/token-<queue>-<token>-<day>.pdf).
    QString defaultSlipPath() const;

public Q_SLOTS:
    // The print dialog (non-blocking); printing starts when it is accepted.
    void printSlip();
    // The save dialog (non-blocking), then saveSlipTo.
    void chooseSlipFile();
    // Renders the slip in memory and writes it on a worker thread: slipSaved or
    // slipSaveFailed follows.
    void saveSlipTo(const QString& path);

Q_SIGNALS:
    void slipSaved(const QString& path);
    void slipSaveFailed(const QString& path, const QString& error);
    void slipPrinted();

private:
    void onWritten(const QString& path, const QString& error);

    TokenSlip m_slip;
    QLabel* m_caption = nullptr;
    QLabel* m_token = nullptr;
    QLabel* m_patient = nullptr;
    QLabel* m_details = nullptr;
    QLabel* m_message = nullptr;
    QPushButton* m_print = nullptr;
    QPushButton* m_save = nullptr;
    TokenSlipFileWriter* m_writer = nullptr;
    std::unique_ptr<QPrinter> m_printer; // made on first use (it asks the print system)
};

} // namespace openopd::app
