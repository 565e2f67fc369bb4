#pragma once

// Every enumeration of the protocol. On the wire each value is a lower_snake_case string;
// decoders refuse anything else and list the allowed values in the error.

#include <QString>
#include <QStringList>
#include <array>
#include <optional>

namespace openopd::protocol {

enum class Sex { Female, Male, Other, Unknown };

enum class StaffRole { Reception, Doctor, Nurse, Pharmacist, LabTechnician, Admin, System };

// Queue order: emergency first, then urgent, then normal (then token number).
enum class Priority { Emergency, Urgent, Normal };

// The visit life cycle; see allowedNextStates() in visit.h.
enum class VisitState {
    Registered,
    Called,
    InConsultation,
    Consulted,
    AwaitingPharmacy,
    AwaitingLab,
    Dispensed,
    Discharged,
    Admitted,
    Referred,
    Cancelled,
    LeftUnseen,
};

// Where the doctor sends the patient after the consultation.
enum class Disposition { ToPharmacy, ToLab, Discharge, Admit, Refer };

enum class DischargeOutcome { Discharged, Admitted, Referred };

enum class LabOrderState { Ordered, Collected, Resulted, Cancelled };

enum class LabFlag { Normal, Abnormal, Critical };

// Why a stock quantity changed.
enum class StockReason { Received, Dispensed, CountCorrection, Damaged, Expired, Returned, Other };

// Which patient field a search looks at; Any tries name, phone, national id and MRN.
enum class PatientSearchField { Any, Name, Phone, NationalId, Mrn };

template <class E> struct EnumEntry
{
    E value;
    const char* wire;
};

// EnumTraits<E>::kEntries: every value with its wire name, in declaration order.
template <class E> struct EnumTraits;

template <> struct EnumTraits<Sex>
{
    static constexpr std::array kEntries{
        EnumEntry<Sex>{Sex::Female, "female"}, EnumEntry<Sex>{Sex::Male, "male"},
        EnumEntry<Sex>{Sex::Other, "other"}, EnumEntry<Sex>{Sex::Unknown, "unknown"}};
};

template <> struct EnumTraits<StaffRole>
{
    static constexpr std::array kEntries{
        EnumEntry<StaffRole>{StaffRole::Reception, "reception"},
        EnumEntry<StaffRole>{StaffRole::Doctor, "doctor"},
        EnumEntry<StaffRole>{StaffRole::Nurse, "nurse"},
        EnumEntry<StaffRole>{StaffRole::Pharmacist, "pharmacist"},
        EnumEntry<StaffRole>{StaffRole::LabTechnician, "lab_technician"},
        EnumEntry<StaffRole>{StaffRole::Admin, "admin"},
        EnumEntry<StaffRole>{StaffRole::System, "system"}};
};

template <> struct EnumTraits<Priority>
{
    static constexpr std::array kEntries{EnumEntry<Priority>{Priority::Emergency, "emergency"},
                                         EnumEntry<Priority>{Priority::Urgent, "urgent"},
                                         EnumEntry<Priority>{Priority::Normal, "normal"}};
};

template <> struct EnumTraits<VisitState>
{
    static constexpr std::array kEntries{
        EnumEntry<VisitState>{VisitState::Registered, "registered"},
        EnumEntry<VisitState>{VisitState::Called, "called"},
        EnumEntry<VisitState>{VisitState::InConsultation, "in_consultation"},
        EnumEntry<VisitState>{VisitState::Consulted, "consulted"},
        EnumEntry<VisitState>{VisitState::AwaitingPharmacy, "awaiting_pharmacy"},
        EnumEntry<VisitState>{VisitState::AwaitingLab, "awaiting_lab"},
        EnumEntry<VisitState>{VisitState::Dispensed, "dispensed"},
        EnumEntry<VisitState>{VisitState::Discharged, "discharged"},
        EnumEntry<VisitState>{VisitState::Admitted, "admitted"},
        EnumEntry<VisitState>{VisitState::Referred, "referred"},
        EnumEntry<VisitState>{VisitState::Cancelled, "cancelled"},
        EnumEntry<VisitState>{VisitState::LeftUnseen, "left_unseen"}};
};

template <> struct EnumTraits<Disposition>
{
    static constexpr std::array kEntries{
        EnumEntry<Disposition>{Disposition::ToPharmacy, "to_pharmacy"},
        EnumEntry<Disposition>{Disposition::ToLab, "to_lab"},
        EnumEntry<Disposition>{Disposition::Discharge, "discharge"},
        EnumEntry<Disposition>{Disposition::Admit, "admit"},
        EnumEntry<Disposition>{Disposition::Refer, "refer"}};
};

template <> struct EnumTraits<DischargeOutcome>
{
    static constexpr std::array kEntries{
        EnumEntry<DischargeOutcome>{DischargeOutcome::Discharged, "discharged"},
        EnumEntry<DischargeOutcome>{DischargeOutcome::Admitted, "admitted"},
        EnumEntry<DischargeOutcome>{DischargeOutcome::Referred, "referred"}};
};

template <> struct EnumTraits<LabOrderState>
{
    static constexpr std::array kEntries{
        EnumEntry<LabOrderState>{LabOrderState::Ordered, "ordered"},
        EnumEntry<LabOrderState>{LabOrderState::Collected, "collected"},
        EnumEntry<LabOrderState>{LabOrderState::Resulted, "resulted"},
        EnumEntry<LabOrderState>{LabOrderState::Cancelled, "cancelled"}};
};

template <> struct EnumTraits<LabFlag>
{
    static constexpr std::array kEntries{EnumEntry<LabFlag>{LabFlag::Normal, "normal"},
                                         EnumEntry<LabFlag>{LabFlag::Abnormal, "abnormal"},
                                         EnumEntry<LabFlag>{LabFlag::Critical, "critical"}};
};

template <> struct EnumTraits<StockReason>
{
    static constexpr std::array kEntries{
        EnumEntry<StockReason>{StockReason::Received, "received"},
        EnumEntry<StockReason>{StockReason::Dispensed, "dispensed"},
        EnumEntry<StockReason>{StockReason::CountCorrection, "count_correction"},
        EnumEntry<StockReason>{StockReason::Damaged, "damaged"},
        EnumEntry<StockReason>{StockReason::Expired, "expired"},
        EnumEntry<StockReason>{StockReason::Returned, "returned"},
        EnumEntry<StockReason>{StockReason::Other, "other"}};
};

template <> struct EnumTraits<PatientSearchField>
{
    static constexpr std::array kEntries{
        EnumEntry<PatientSearchField>{PatientSearchField::Any, "any"},
        EnumEntry<PatientSearchField>{PatientSearchField::Name, "name"},
        EnumEntry<PatientSearchField>{PatientSearchField::Phone, "phone"},
        EnumEntry<PatientSearchField>{PatientSearchField::NationalId, "national_id"},
        EnumEntry<PatientSearchField>{PatientSearchField::Mrn, "mrn"}};
};

// The wire name of a value ("in_consultation").
template <class E> QString toWire(E value)
{
    for (const auto& entry : EnumTraits<E>::kEntries)
        if (entry.value == value)
            return QString::fromLatin1(entry.wire);
    return {};
}

// The value of a wire name; nullopt when it is not one (exact, case-sensitive match).
template <class E> std::optional<E> enumFromWire(QStringView text)
{
    for (const auto& entry : EnumTraits<E>::kEntries)
        if (text == QLatin1StringView(entry.wire))
            return entry.value;
    return std::nullopt;
}

// Every wire name, in declaration order.
template <class E> QStringList wireValues()
{
    QStringList names;
    for (const auto& entry : EnumTraits<E>::kEntries)
        names.append(QString::fromLatin1(entry.wire));
    return names;
}

// 0 for emergency, 1 urgent, 2 normal: sort ascending, then by token.
int priorityRank(Priority priority);

} // namespace openopd::protocol
