{{ platform_base('qa_audits') }}
