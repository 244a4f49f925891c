"""What the surveys hold about a person (gongzhi.accounts.personal_data): nothing that names a
resident — a response belongs to a sampled unit and is counted without name or number — and work
records of the staff who run them."""

NOT_INCLUDED = {
    "surveys.questionnaire.created_by": "Work record: who drafted a questionnaire.",
    "surveys.survey.created_by": "Work record: who created a survey.",
    "surveys.response.surveyor": "Work record: the surveyor who recorded an answer door to door or by telephone.",
}
