// A table of invalid inputs: each is rejected with a 400 DecodeError naming the field by its
// dotted path. Covers missing, mistyped, out-of-range, oversized, bad enum, bad date and
// timestamp, bad id and code, bad ICD-10, unsupported version, nested array elements and
// cross-field rules, for requests, replies and event envelopes. The sweep over every field
// of every example is test_protocol_field_sweep.cpp.

#include "invalid_rows.h"

using namespace openopd;
using namespace openopd::protocol;
using namespace openopd::testing::invalid;
using openopd::testing::edited;

class TestProtocolInvalid : public QObject
{
    Q_OBJECT

    void registrationRows()
    {
        const auto create = decoder<CreatePatientRequest>();
        const QJsonObject c = requestOf(kCreatePatient.subject);
        row("create: staff missing", create, c, QStringLiteral("staff"), std::nullopt,
            QStringLiteral("staff"), QStringLiteral("required"));
        row("create: staff not an object", create, c, QStringLiteral("staff"),
            QStringLiteral("dr.silva"), QStringLiteral("staff"), QStringLiteral("object"));
        row("create: staff id with space", create, c, QStringLiteral("staff.id"),
            QStringLiteral("grace m"), QStringLiteral("staff.id"), QStringLiteral("letters"));
        row("create: staff id too long", create, c, QStringLiteral("staff.id"), repeated(65),
            QStringLiteral("staff.id"), QStringLiteral("longer than 64"));
        row("create: staff role unknown", create, c, QStringLiteral("staff.role"),
            QStringLiteral("porter"), QStringLiteral("staff.role"),
            QStringLiteral("reception, doctor, nurse, pharmacist, lab_technician, admin"));
        row("create: name missing", create, c, QStringLiteral("patient.full_name"), std::nullopt,
            QStringLiteral("patient.full_name"), QStringLiteral("required"));
        row("create: name null", create, c, QStringLiteral("patient.full_name"), QJsonValue(),
            QStringLiteral("patient.full_name"), QStringLiteral("required"));
        row("create: name blank", create, c, QStringLiteral("patient.full_name"),
            QStringLiteral("   "), QStringLiteral("patient.full_name"), QStringLiteral("empty"));
        row("create: name not a string", create, c, QStringLiteral("patient.full_name"), 42,
            QStringLiteral("patient.full_name"), QStringLiteral("string"));
        row("create: name oversized", create, c, QStringLiteral("patient.full_name"), repeated(201),
            QStringLiteral("patient.full_name"), QStringLiteral("longer than 200"));
        row("create: date of birth impossible", create, c, QStringLiteral("patient.date_of_birth"),
            QStringLiteral("1985-02-30"), QStringLiteral("patient.date_of_birth"),
            QStringLiteral("YYYY-MM-DD"));
        row("create: date of birth other format", create, c,
            QStringLiteral("patient.date_of_birth"), QStringLiteral("01/02/1985"),
            QStringLiteral("patient.date_of_birth"), QStringLiteral("YYYY-MM-DD"));
        row("create: date of birth out of range", create, c,
            QStringLiteral("patient.date_of_birth"), QStringLiteral("1850-01-01"),
            QStringLiteral("patient.date_of_birth"), QStringLiteral("1880-01-01"));
        row("create: date of birth a timestamp", create, c, QStringLiteral("patient.date_of_birth"),
            QStringLiteral("1985-01-01T00:00:00Z"), QStringLiteral("patient.date_of_birth"),
            QStringLiteral("YYYY-MM-DD"));
        row("create: sex abbreviated", create, c, QStringLiteral("patient.sex"),
            QStringLiteral("F"), QStringLiteral("patient.sex"),
            QStringLiteral("female, male, other, unknown"));
        row("create: sex empty", create, c, QStringLiteral("patient.sex"), QString(),
            QStringLiteral("patient.sex"), QStringLiteral("one of"));
        row("create: sex wrong case", create, c, QStringLiteral("patient.sex"),
            QStringLiteral("Female"), QStringLiteral("patient.sex"), QStringLiteral("one of"));
        row("create: phone letters", create, c, QStringLiteral("patient.phone"),
            QStringLiteral("call me"), QStringLiteral("patient.phone"), QStringLiteral("phone"));
        row("create: allergy not a string", create, c, QStringLiteral("patient.allergies[1]"), 5,
            QStringLiteral("patient.allergies[1]"), QStringLiteral("string"));
        row("create: too many allergies", create, c, QStringLiteral("patient.allergies"),
            manyItems(51, QStringLiteral("dust")), QStringLiteral("patient.allergies"),
            QStringLiteral("more than 50"));
        row("create: allergies not an array", create, c, QStringLiteral("patient.allergies"),
            QStringLiteral("penicillin"), QStringLiteral("patient.allergies"),
            QStringLiteral("array"));
        row("create: remarks oversized", create, c, QStringLiteral("patient.remarks"),
            repeated(4001), QStringLiteral("patient.remarks"), QStringLiteral("longer than 4000"));
        row("create: national id double space", create, c, QStringLiteral("patient.national_id"),
            QStringLiteral("AB  12"), QStringLiteral("patient.national_id"),
            QStringLiteral("groups"));
        row("create: mrn with space", create, c, QStringLiteral("mrn"), QStringLiteral("MRN 1"),
            QStringLiteral("mrn"), QStringLiteral("letter or digit"));
        row("create: confirm_duplicate a string", create, c, QStringLiteral("confirm_duplicate"),
            QStringLiteral("yes"), QStringLiteral("confirm_duplicate"),
            QStringLiteral("true or false"));
        row("create: version 2", create, c, QStringLiteral("v"), 2, QStringLiteral("v"),
            QStringLiteral("not supported"));
        row("create: version a string", create, c, QStringLiteral("v"), QStringLiteral("1"),
            QStringLiteral("v"), QStringLiteral("integer"));
        row("create: version 0", create, c, QStringLiteral("v"), 0, QStringLiteral("v"),
            QStringLiteral("between"));
        row("create: version fractional", create, c, QStringLiteral("v"), 1.5, QStringLiteral("v"),
            QStringLiteral("integer"));

        QJsonObject withVisit = c; // a new patient and the first visit at once
        withVisit.insert(QStringLiteral("visit"),
                         FirstVisit{QStringLiteral("general"), Priority::Urgent, {}}.toJson());
        row("create: visit not an object", create, withVisit, QStringLiteral("visit"),
            QStringLiteral("general"), QStringLiteral("visit"), QStringLiteral("object"));
        row("create: visit queue missing", create, withVisit, QStringLiteral("visit.queue"),
            std::nullopt, QStringLiteral("visit.queue"), QStringLiteral("required"));
        row("create: visit queue with capitals", create, withVisit, QStringLiteral("visit.queue"),
            QStringLiteral("General Clinic"), QStringLiteral("visit.queue"), QStringLiteral("a-z"));
        row("create: visit priority unknown", create, withVisit, QStringLiteral("visit.priority"),
            QStringLiteral("asap"), QStringLiteral("visit.priority"), QStringLiteral("urgent"));
        row("create: visit complaint too long", create, withVisit,
            QStringLiteral("visit.complaint"), repeated(2001), QStringLiteral("visit.complaint"),
            QStringLiteral("longer than 2000"));

        const auto createReply = decoder<CreatePatientReply>();
        const QJsonObject cr = replyOf(kCreatePatient.subject);
        QJsonObject crVisit = cr;
        crVisit.insert(QStringLiteral("visit"), samples::visit().toJson());
        row("create reply: the visit of another patient", createReply, crVisit,
            QStringLiteral("visit.patient_id"), samples::id(99), QStringLiteral("visit.patient_id"),
            QStringLiteral("patient created"));
        row("create reply: the visit without its token", createReply, crVisit,
            QStringLiteral("visit.token"), std::nullopt, QStringLiteral("visit.token"),
            QStringLiteral("required"));
        row("create reply: created without patient", createReply, cr, QStringLiteral("patient"),
            std::nullopt, QStringLiteral("patient"), QStringLiteral("created is true"));
        row("create reply: patient revision 0", createReply, cr, QStringLiteral("patient.revision"),
            0, QStringLiteral("patient.revision"), QStringLiteral("between"));
        row("create reply: registered_at without zone", createReply, cr,
            QStringLiteral("patient.registered_at"), QStringLiteral("2024-05-06T08:00:00"),
            QStringLiteral("patient.registered_at"), QStringLiteral("RFC 3339"));

        const auto update = decoder<UpdatePatientRequest>();
        const QJsonObject u = requestOf(kUpdatePatient.subject);
        row("update: revision 0", update, u, QStringLiteral("revision"), 0,
            QStringLiteral("revision"), QStringLiteral("between"));
        row("update: patient id not a UUID", update, u, QStringLiteral("patient_id"),
            QStringLiteral("P-123"), QStringLiteral("patient_id"), QStringLiteral("UUID"));
        row("update: patient id nil UUID", update, u, QStringLiteral("patient_id"),
            QStringLiteral("00000000-0000-0000-0000-000000000000"), QStringLiteral("patient_id"),
            QStringLiteral("UUID"));

        const auto get = decoder<GetPatientRequest>();
        row("get: neither id nor mrn", get, requestOf(kGetPatient.subject), QStringLiteral("mrn"),
            std::nullopt, QStringLiteral("patient_id"), QStringLiteral("exactly one"));
        row("get: both id and mrn", get, requestOf(kGetPatient.subject),
            QStringLiteral("patient_id"), samples::patient().id, QStringLiteral("patient_id"),
            QStringLiteral("exactly one"));

        const auto search = decoder<SearchPatientsRequest>();
        const QJsonObject s = requestOf(kSearchPatients.subject);
        row("search: empty query", search, s, QStringLiteral("query"), QString(),
            QStringLiteral("query"), QStringLiteral("empty"));
        row("search: query oversized", search, s, QStringLiteral("query"), repeated(101),
            QStringLiteral("query"), QStringLiteral("longer than 100"));
        row("search: limit too high", search, s, QStringLiteral("limit"), 51,
            QStringLiteral("limit"), QStringLiteral("between 1 and 50"));
        row("search: unknown field to search", search, s, QStringLiteral("by"),
            QStringLiteral("surname"), QStringLiteral("by"),
            QStringLiteral("any, name, phone, national_id, mrn"));

        const auto open = decoder<OpenVisitRequest>();
        const QJsonObject o = requestOf(kOpenVisit.subject);
        row("open visit: queue with capitals", open, o, QStringLiteral("queue"),
            QStringLiteral("General Clinic"), QStringLiteral("queue"), QStringLiteral("a-z"));
        row("open visit: priority unknown", open, o, QStringLiteral("priority"),
            QStringLiteral("high"), QStringLiteral("priority"),
            QStringLiteral("emergency, urgent, normal"));
        row("open visit: priority empty", open, o, QStringLiteral("priority"), QString(),
            QStringLiteral("priority"), QStringLiteral("one of"));
        row("open visit: priority a number", open, o, QStringLiteral("priority"), 1,
            QStringLiteral("priority"), QStringLiteral("string"));
        row("open visit: complaint oversized", open, o, QStringLiteral("complaint"), repeated(2001),
            QStringLiteral("complaint"), QStringLiteral("longer than 2000"));
        row("cancel: reason missing", decoder<CancelVisitRequest>(),
            requestOf(kCancelVisit.subject), QStringLiteral("reason"), std::nullopt,
            QStringLiteral("reason"), QStringLiteral("required"));

        const auto visits = decoder<VisitListReply>();
        const QJsonObject w = replyOf(kWaitingList.subject);
        row("waiting: history must start registered", visits, w,
            QStringLiteral("visits[1].history[0].state"), QStringLiteral("called"),
            QStringLiteral("visits[1].history[0].state"), QStringLiteral("must be registered"));
        row("waiting: state differs from history", visits, w, QStringLiteral("visits[0].state"),
            QStringLiteral("consulted"), QStringLiteral("visits[0].state"),
            QStringLiteral("last history entry"));
        row("waiting: token out of range", visits, w, QStringLiteral("visits[0].token"), 10000,
            QStringLiteral("visits[0].token"), QStringLiteral("between 1 and 9999"));
        row("waiting: history empty", visits, w, QStringLiteral("visits[0].history"), QJsonArray(),
            QStringLiteral("visits[0].history"), QStringLiteral("empty"));
        row("waiting: transition by missing", visits, w, QStringLiteral("visits[0].history[1].by"),
            std::nullopt, QStringLiteral("visits[0].history[1].by"), QStringLiteral("required"));
        row("waiting: visit not an object", visits, w, QStringLiteral("visits[1]"), 7,
            QStringLiteral("visits[1]"), QStringLiteral("object"));
    }

    void consultationRows()
    {
        const auto save = decoder<SaveConsultationRequest>();
        const QJsonObject c = requestOf(kSaveConsultation.subject);
        row("save: temperature too high", save, c,
            QStringLiteral("consultation.vitals.temperature_c"), 50,
            QStringLiteral("consultation.vitals.temperature_c"), QStringLiteral("between 25"));
        row("save: temperature a string", save, c,
            QStringLiteral("consultation.vitals.temperature_c"), QStringLiteral("38"),
            QStringLiteral("consultation.vitals.temperature_c"), QStringLiteral("number"));
        row("save: pulse fractional", save, c, QStringLiteral("consultation.vitals.pulse_bpm"),
            80.5, QStringLiteral("consultation.vitals.pulse_bpm"), QStringLiteral("integer"));
        row("save: spo2 over 100", save, c, QStringLiteral("consultation.vitals.spo2_percent"), 101,
            QStringLiteral("consultation.vitals.spo2_percent"), QStringLiteral("between"));
        row("save: systolic without diastolic", save, c,
            QStringLiteral("consultation.vitals.diastolic_mmhg"), std::nullopt,
            QStringLiteral("consultation.vitals.diastolic_mmhg"),
            QStringLiteral("required with systolic"));
        row("save: diastolic above systolic", save, c,
            QStringLiteral("consultation.vitals.diastolic_mmhg"), 140,
            QStringLiteral("consultation.vitals.diastolic_mmhg"), QStringLiteral("below"));
        row("save: ICD-10 lower case", save, c, QStringLiteral("consultation.diagnoses[0].icd10"),
            QStringLiteral("j02.9"), QStringLiteral("consultation.diagnoses[0].icd10"),
            QStringLiteral("ICD-10"));
        row("save: ICD-10 chapter U", save, c, QStringLiteral("consultation.diagnoses[0].icd10"),
            QStringLiteral("U07.1"), QStringLiteral("consultation.diagnoses[0].icd10"),
            QStringLiteral("ICD-10"));
        row("save: ICD-10 too long", save, c, QStringLiteral("consultation.diagnoses[1].icd10"),
            QStringLiteral("J02.91234"), QStringLiteral("consultation.diagnoses[1].icd10"),
            QStringLiteral("ICD-10"));
        row("save: diagnosis text missing", save, c,
            QStringLiteral("consultation.diagnoses[1].text"), std::nullopt,
            QStringLiteral("consultation.diagnoses[1].text"), QStringLiteral("required"));
        row("save: quantity zero", save, c,
            QStringLiteral("consultation.prescriptions[1].quantity"), 0,
            QStringLiteral("consultation.prescriptions[1].quantity"), QStringLiteral("between"));
        row("save: dose missing", save, c, QStringLiteral("consultation.prescriptions[1].dose"),
            std::nullopt, QStringLiteral("consultation.prescriptions[1].dose"),
            QStringLiteral("required"));
        row("save: duration over a year", save, c,
            QStringLiteral("consultation.prescriptions[0].duration_days"), 366,
            QStringLiteral("consultation.prescriptions[0].duration_days"),
            QStringLiteral("between 1 and 365"));
        row("save: drug code with space", save, c,
            QStringLiteral("consultation.prescriptions[0].drug_code"), QStringLiteral("PARA 500"),
            QStringLiteral("consultation.prescriptions[0].drug_code"),
            QStringLiteral("letter or digit"));
        row("save: too many prescriptions", save, c, QStringLiteral("consultation.prescriptions"),
            manyItems(51, samples::prescriptionLine().toJson()),
            QStringLiteral("consultation.prescriptions"), QStringLiteral("more than 50"));
        row("save: prescription not an object", save, c,
            QStringLiteral("consultation.prescriptions[0]"), QStringLiteral("paracetamol"),
            QStringLiteral("consultation.prescriptions[0]"), QStringLiteral("object"));
        row("save: disposition unknown", save, c, QStringLiteral("consultation.disposition"),
            QStringLiteral("home"), QStringLiteral("consultation.disposition"),
            QStringLiteral("to_pharmacy, to_lab, discharge, admit, refer"));
        row("save: to pharmacy without prescriptions", save, c,
            QStringLiteral("consultation.prescriptions"), QJsonArray(),
            QStringLiteral("consultation.prescriptions"), QStringLiteral("to_pharmacy"));
        row("save: refer without referral", save, c, QStringLiteral("consultation.disposition"),
            QStringLiteral("refer"), QStringLiteral("consultation.referral_to"),
            QStringLiteral("required"));
        row("save: lab order urgent a string", save, c,
            QStringLiteral("consultation.lab_orders[0].urgent"), QStringLiteral("yes"),
            QStringLiteral("consultation.lab_orders[0].urgent"), QStringLiteral("true or false"));
        row("save: notes oversized", save, c, QStringLiteral("consultation.notes"), repeated(4001),
            QStringLiteral("consultation.notes"), QStringLiteral("longer than 4000"));
        row("save: consultation not an object", save, c, QStringLiteral("consultation"),
            QJsonArray(), QStringLiteral("consultation"), QStringLiteral("object"));
        row("call next: room oversized", decoder<CallNextRequest>(), requestOf(kCallNext.subject),
            QStringLiteral("room"), repeated(51), QStringLiteral("room"),
            QStringLiteral("longer than 50"));
        const auto callOne = decoder<CallVisitRequest>();
        const QJsonObject one = requestOf(kCallVisit.subject);
        row("call one: visit id missing", callOne, one, QStringLiteral("visit_id"), std::nullopt,
            QStringLiteral("visit_id"), QStringLiteral("required"));
        row("call one: visit id not a uuid", callOne, one, QStringLiteral("visit_id"),
            QStringLiteral("token-7"), QStringLiteral("visit_id"), QStringLiteral("UUID"));
        row("call one: room oversized", callOne, one, QStringLiteral("room"), repeated(51),
            QStringLiteral("room"), QStringLiteral("longer than 50"));
        const auto reviewed = decoder<MarkResultReviewedRequest>();
        const QJsonObject rv = requestOf(kMarkResultReviewed.subject);
        row("reviewed: order id missing", reviewed, rv, QStringLiteral("order_id"), std::nullopt,
            QStringLiteral("order_id"), QStringLiteral("required"));
        row("reviewed: order id not a uuid", reviewed, rv, QStringLiteral("order_id"),
            QStringLiteral("FBC-1"), QStringLiteral("order_id"), QStringLiteral("UUID"));
        row("to review: include_reviewed a string", decoder<ResultsToReviewRequest>(),
            requestOf(kResultsToReview.subject), QStringLiteral("include_reviewed"),
            QStringLiteral("yes"), QStringLiteral("include_reviewed"),
            QStringLiteral("true or false"));
        row("to review reply: result of another order", decoder<ResultsToReviewReply>(),
            replyOf(kResultsToReview.subject), QStringLiteral("results[0].order_id"), newId(),
            QStringLiteral("results[0].result"), QStringLiteral("order_id"));
        row("save: release_without_results a string", save, c,
            QStringLiteral("consultation.release_without_results"), QStringLiteral("yes"),
            QStringLiteral("consultation.release_without_results"),
            QStringLiteral("true or false"));
        row("queue entry: review_of not a uuid", decoder<DoctorQueueReply>(),
            replyOf(kDoctorQueue.subject), QStringLiteral("entries[0].review_of"),
            QStringLiteral("c-1"), QStringLiteral("entries[0].review_of"), QStringLiteral("UUID"));
        const auto history = decoder<PatientHistoryRequest>();
        const QJsonObject h = requestOf(kPatientHistory.subject);
        row("history: limit zero", history, h, QStringLiteral("limit"), 0, QStringLiteral("limit"),
            QStringLiteral("between"));
        row("history: before with a space", history, h, QStringLiteral("before"),
            QStringLiteral("2024-05-06 08:00:00Z"), QStringLiteral("before"),
            QStringLiteral("RFC 3339"));
        row("history: before in 1960", history, h, QStringLiteral("before"),
            QStringLiteral("1960-01-01T00:00:00Z"), QStringLiteral("before"),
            QStringLiteral("1970"));
        row("queue reply: called_by role bad", decoder<DoctorQueueReply>(),
            replyOf(kDoctorQueue.subject), QStringLiteral("entries[0].called_by.role"),
            QStringLiteral("surgeon"), QStringLiteral("entries[0].called_by.role"),
            QStringLiteral("one of"));
    }

    void pharmacyLabRows()
    {
        const auto dispense = decoder<DispenseRequest>();
        const QJsonObject d = requestOf(kDispense.subject);
        row("dispense: no lines", dispense, d, QStringLiteral("lines"), QJsonArray(),
            QStringLiteral("lines"), QStringLiteral("empty"));
        row("dispense: line twice", dispense, d, QStringLiteral("lines[1]"),
            QJsonObject{{QStringLiteral("line"), 1}, {QStringLiteral("quantity"), 2}},
            QStringLiteral("lines[1].line"), QStringLiteral("more than once"));
        row("dispense: negative quantity", dispense, d, QStringLiteral("lines[0].quantity"), -1,
            QStringLiteral("lines[0].quantity"), QStringLiteral("between"));
        row("dispense: line 51", dispense, d, QStringLiteral("lines[0].line"), 51,
            QStringLiteral("lines[0].line"), QStringLiteral("between 1 and 50"));
        row("dispense: consultation id garbage", dispense, d, QStringLiteral("consultation_id"),
            QStringLiteral("zzzzzzzz-zzzz-zzzz-zzzz-zzzzzzzzzzzz"),
            QStringLiteral("consultation_id"), QStringLiteral("UUID"));
        const auto dispensed = decoder<DispenseReply>();
        const QJsonObject dr = replyOf(kDispense.subject);
        row("dispense reply: batches do not add up", dispensed, dr,
            QStringLiteral("dispense.lines[0].batches[1].quantity"), 5,
            QStringLiteral("dispense.lines[0].batches"), QStringLiteral("add up"));
        row("dispense reply: partial missing", dispensed, dr, QStringLiteral("dispense.partial"),
            std::nullopt, QStringLiteral("dispense.partial"), QStringLiteral("required"));
        row("dispense reply: batch expiry bad", dispensed, dr,
            QStringLiteral("dispense.lines[0].batches[0].expiry"), QStringLiteral("2025-04-31"),
            QStringLiteral("dispense.lines[0].batches[0].expiry"), QStringLiteral("YYYY-MM-DD"));

        const auto receive = decoder<ReceiveStockRequest>();
        const QJsonObject r = requestOf(kReceiveStock.subject);
        row("receive: expiry month 13", receive, r, QStringLiteral("expiry"),
            QStringLiteral("2025-13-01"), QStringLiteral("expiry"), QStringLiteral("YYYY-MM-DD"));
        row("receive: quantity zero", receive, r, QStringLiteral("quantity"), 0,
            QStringLiteral("quantity"), QStringLiteral("between"));
        row("receive: quantity huge", receive, r, QStringLiteral("quantity"), 1e12,
            QStringLiteral("quantity"), QStringLiteral("between"));
        row("receive: batch oversized", receive, r, QStringLiteral("batch"), repeated(41),
            QStringLiteral("batch"), QStringLiteral("longer than 40"));
        const auto adjust = decoder<AdjustStockRequest>();
        const QJsonObject a = requestOf(kAdjustStock.subject);
        row("adjust: nothing to change", adjust, a, QStringLiteral("delta"), 0,
            QStringLiteral("delta"), QStringLiteral("must not be 0"));
        row("adjust: reason received", adjust, a, QStringLiteral("reason"),
            QStringLiteral("received"), QStringLiteral("reason"),
            QStringLiteral("count_correction"));
        row("adjust: other without note", adjust,
            edited(a, QStringLiteral("reason"), QStringLiteral("other")), QStringLiteral("note"),
            std::nullopt, QStringLiteral("note"), QStringLiteral("required"));
        row("stock list: limit too high", decoder<StockListRequest>(),
            requestOf(kStockList.subject), QStringLiteral("limit"), 1001, QStringLiteral("limit"),
            QStringLiteral("between 1 and 1000"));

        row("lab pending: state resulted", decoder<PendingLabOrdersRequest>(),
            requestOf(kPendingLabOrders.subject), QStringLiteral("state"),
            QStringLiteral("resulted"), QStringLiteral("state"),
            QStringLiteral("ordered, collected"));
        const auto result = decoder<EnterLabResultRequest>();
        const QJsonObject e = requestOf(kEnterLabResult.subject);
        row("lab result: flag unknown", result, e, QStringLiteral("result.flag"),
            QStringLiteral("high"), QStringLiteral("result.flag"),
            QStringLiteral("normal, abnormal, critical"));
        row("lab result: value oversized", result, e, QStringLiteral("result.value"),
            repeated(4001), QStringLiteral("result.value"), QStringLiteral("longer than 4000"));
        row("lab result: result missing", result, e, QStringLiteral("result"), std::nullopt,
            QStringLiteral("result"), QStringLiteral("required"));
        row("collect: sample id with space", decoder<CollectSampleRequest>(),
            requestOf(kCollectSample.subject), QStringLiteral("sample_id"), QStringLiteral("S 1"),
            QStringLiteral("sample_id"), QStringLiteral("letter or digit"));
        row("lab order reply: state unknown", decoder<LabOrderReply>(),
            replyOf(kCollectSample.subject), QStringLiteral("order.state"), QStringLiteral("done"),
            QStringLiteral("order.state"), QStringLiteral("one of"));
    }

    void dischargeAuditRows()
    {
        const auto record = decoder<RecordDischargeRequest>();
        const QJsonObject d = requestOf(kRecordDischarge.subject);
        row("discharge: outcome unknown", record, d, QStringLiteral("outcome"),
            QStringLiteral("died"), QStringLiteral("outcome"),
            QStringLiteral("discharged, admitted, referred"));
        row("discharge: admitted without ward", record, d, QStringLiteral("outcome"),
            QStringLiteral("admitted"), QStringLiteral("destination"), QStringLiteral("required"));
        row("discharge: next visit a word", record, d, QStringLiteral("next_visit"),
            QStringLiteral("tomorrow"), QStringLiteral("next_visit"), QStringLiteral("YYYY-MM-DD"));
        row("discharge: post medication without drug", record, d,
            QStringLiteral("post_medication[0].drug_code"), std::nullopt,
            QStringLiteral("post_medication[0].drug_code"), QStringLiteral("required"));
        row("discharge: visit id missing", record, d, QStringLiteral("visit_id"), std::nullopt,
            QStringLiteral("visit_id"), QStringLiteral("required"));

        const auto query = decoder<AuditQueryRequest>();
        const QJsonObject q = requestOf(kAuditQuery.subject);
        row("audit query: to before from", query, q, QStringLiteral("to"),
            QStringLiteral("2024-05-05T08:00:00Z"), QStringLiteral("to"), QStringLiteral("before"));
        row("audit query: limit too high", query, q, QStringLiteral("limit"), 1001,
            QStringLiteral("limit"), QStringLiteral("between"));
        row("audit query: after_seq negative", query, q, QStringLiteral("after_seq"), -1,
            QStringLiteral("after_seq"), QStringLiteral("between"));
        row("audit verify: to below from", decoder<AuditVerifyRequest>(),
            QJsonObject{{QStringLiteral("from_seq"), 5}}, QStringLiteral("to_seq"), 4,
            QStringLiteral("to_seq"), QStringLiteral("below from_seq"));
        row("audit verify reply: broken without seq", decoder<AuditVerifyReply>(),
            replyOf(kAuditVerify.subject), QStringLiteral("intact"), false,
            QStringLiteral("first_broken_seq"), QStringLiteral("required"));
        row("audit records: hash upper case", decoder<AuditQueryReply>(),
            replyOf(kAuditQuery.subject), QStringLiteral("records[0].hash"),
            replyOf(kAuditQuery.subject)
                .value(QStringLiteral("records"))[0][QStringLiteral("hash")]
                .toString()
                .toUpper(),
            QStringLiteral("records[0].hash"), QStringLiteral("SHA-256"));
    }

    void eventRows()
    {
        const auto called = decoder<EventEnvelope<VisitStatusChange>>();
        const QJsonObject e = eventOf(kVisitCalled.subject);
        row("event: id missing", called, e, QStringLiteral("id"), std::nullopt,
            QStringLiteral("id"), QStringLiteral("required"));
        row("event: type with capitals", called, e, QStringLiteral("type"),
            QStringLiteral("Visit.Called"), QStringLiteral("type"), QStringLiteral("lower_snake"));
        row("event: occurred_at a word", called, e, QStringLiteral("occurred_at"),
            QStringLiteral("yesterday"), QStringLiteral("occurred_at"), QStringLiteral("RFC 3339"));
        row("event: actor missing", called, e, QStringLiteral("actor"), std::nullopt,
            QStringLiteral("actor"), QStringLiteral("required"));
        row("event: payload missing", called, e, QStringLiteral("payload"), std::nullopt,
            QStringLiteral("payload"), QStringLiteral("required"));
        row("event: payload token zero", called, e, QStringLiteral("payload.token"), 0,
            QStringLiteral("payload.token"), QStringLiteral("between"));
        row("event: payload state unknown", called, e, QStringLiteral("payload.state"),
            QStringLiteral("waiting"), QStringLiteral("payload.state"),
            QStringLiteral("registered, called, in_consultation"));
        row("event: version 2", called, e, QStringLiteral("v"), 2, QStringLiteral("v"),
            QStringLiteral("not supported"));
        row("event: consulted nested line", decoder<EventEnvelope<Consultation>>(),
            eventOf(kVisitConsulted.subject), QStringLiteral("payload.prescriptions[1].frequency"),
            repeated(101), QStringLiteral("payload.prescriptions[1].frequency"),
            QStringLiteral("longer than 100"));
        row("any event: payload not an object", decoder<AnyEvent>(), eventOf(kStockLow.subject),
            QStringLiteral("payload"), QJsonArray(), QStringLiteral("payload"),
            QStringLiteral("object"));
        row("any event: patient id bad", decoder<AnyEvent>(), eventOf(kLabResulted.subject),
            QStringLiteral("patient_id"), QStringLiteral("P-1"), QStringLiteral("patient_id"),
            QStringLiteral("UUID"));
    }

    // Sign-in: the one-time reply key and the sealed password are strict base64 of the right
    // size (a key of another length, another alphabet or spelling is a 400 naming it).
    void identityRows()
    {
        const auto signIn = decoder<SignInRequest>();
        const QJsonObject r = requestOf(kSignIn.subject);
        const QString key = QStringLiteral("reply_key");
        const QString expectKey = QStringLiteral("X25519");
        row("signin: reply_key missing", signIn, r, key, std::nullopt, key,
            QStringLiteral("required"));
        row("signin: reply_key empty", signIn, r, key, QString(), key, QStringLiteral("empty"));
        row("signin: reply_key 31 bytes", signIn, r, key,
            QString::fromLatin1(QByteArray(31, 'k').toBase64()), key, expectKey);
        row("signin: reply_key 33 bytes", signIn, r, key,
            QString::fromLatin1(QByteArray(33, 'k').toBase64()), key, expectKey);
        row("signin: reply_key 34 bytes", signIn, r, key,
            QString::fromLatin1(QByteArray(34, 'k').toBase64()), key, QStringLiteral("longer"));
        row("signin: reply_key hex", signIn, r, key,
            QString::fromLatin1(QByteArray(22, 'k').toHex()), key, expectKey);
        row("signin: reply_key base64url", signIn, r, key,
            QStringLiteral("ND_SNFdVgXDilvC8xXDs2DN3hWWPU4Lv5250TXYGKQ8="), key, expectKey);
        row("signin: reply_key unpadded", signIn, r, key,
            QStringLiteral("ND/SNFdVgXDilvC8xXDs2DN3hWWPU4Lv5250TXYGKQ8"), key, expectKey);
        row("signin: reply_key non-canonical", signIn, r, key,
            QStringLiteral("ND/SNFdVgXDilvC8xXDs2DN3hWWPU4Lv5250TXYGKQ9="), key, expectKey);
        row("signin: reply_key with a blank", signIn, r, key,
            QStringLiteral("ND/SNFdVgXDilvC8xXDs2DN3hWWPU4Lv5250TXYGK Q="), key, expectKey);
        row("signin: reply_key a number", signIn, r, key, 7, key, QStringLiteral("string"));
        const auto reply = decoder<SignInReply>();
        const QJsonObject p = replyOf(kSignIn.subject);
        const QString sealed = QStringLiteral("nats_password_sealed");
        row("signin reply: sealed missing", reply, p, sealed, std::nullopt, sealed,
            QStringLiteral("required"));
        row("signin reply: sealed as long as the overhead", reply, p, sealed,
            QString::fromLatin1(QByteArray(48, 's').toBase64()), sealed,
            QStringLiteral("sealed box"));
        row("signin reply: sealed not base64", reply, p, sealed,
            QStringLiteral(
                "t2fJb-dq8B1HDTDN7H8X0evFx3fm6Xry8WBhwba0EXw_t2fJb-dq8B1HDTDN7H8X0evFx3fm6"
                "Xry8WBhwba0EXw"),
            sealed, QStringLiteral("sealed box"));
        QJsonObject plain = p;
        plain.remove(sealed);
        plain.insert(QStringLiteral("nats_password"),
                     QStringLiteral("t2fJb-dq8B1HDTDN7H8X0evFx3fm6Xry8WBhwba0EXw"));
        QTest::newRow("signin reply: a plain nats_password instead")
            << reply << QJsonDocument(plain).toJson(QJsonDocument::Compact) << sealed
            << QStringLiteral("required");
    }

private Q_SLOTS:
    void rejectedWithFieldNamed_data()
    {
        QTest::addColumn<Decoder>("decoder");
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("field");
        QTest::addColumn<QString>("messagePart");
        const auto anyRequest = decoder<CreatePatientRequest>();
        QTest::newRow("malformed JSON")
            << anyRequest << QByteArray("{\"v\":1,") << QString() << QStringLiteral("malformed");
        QTest::newRow("array instead of object")
            << anyRequest << QByteArray("[]") << QString() << QStringLiteral("object");
        QTest::newRow("over 1 MiB") << anyRequest << QByteArray(1024 * 1024 + 1, ' ') << QString()
                                    << QStringLiteral("limit");
        registrationRows();
        consultationRows();
        pharmacyLabRows();
        dischargeAuditRows();
        identityRows();
        eventRows();
    }

    void rejectedWithFieldNamed()
    {
        QFETCH(Decoder, decoder);
        QFETCH(QByteArray, json);
        QFETCH(QString, field);
        QFETCH(QString, messagePart);
        const bus::BusError error = decoder.decode(json);
        QVERIFY2(error.isError(), json.left(400).constData());
        QCOMPARE(error.kind, bus::BusError::Kind::DecodeError);
        QCOMPARE(error.code, errors::kBadRequest);
        QCOMPARE(error.field, field);
        QVERIFY2(error.message.contains(messagePart, Qt::CaseInsensitive),
                 qPrintable(error.message));
    }

    // Each base example is valid, so every row above fails only because of its edit.
    void baseExamplesAreValid()
    {
        for (const auto& example : samples::endpointExamples()) {
            const EndpointInfo* info = findEndpoint(example.subject);
            QVERIFY(info);
            const auto bytes = [](const QJsonObject& o) { return QJsonDocument(o).toJson(); };
            QVERIFY2(!info->checkRequest(bytes(example.request)).isError(),
                     example.subject.constData());
            QVERIFY2(!info->checkReply(bytes(example.reply)).isError(),
                     example.subject.constData());
        }
        for (const auto& example : samples::eventExamples()) {
            const EventInfo* info = findEvent(example.subject);
            QVERIFY(info);
            QVERIFY2(!info->checkEnvelope(QJsonDocument(example.envelope).toJson()).isError(),
                     example.subject.constData());
        }
    }
};

QTEST_GUILESS_MAIN(TestProtocolInvalid)
#include "test_protocol_invalid.moc"
