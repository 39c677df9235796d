"""The manager's half of the paper discipline (the 双表卡's other half): the consultant's daily
business report (营业日报表) and its sign-off, the reconciliation of the reports against the
registration log, the loss analysis (销售促成失控(败)分析表) and follow-up compliance."""
