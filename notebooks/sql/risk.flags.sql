-- The flags: users, devices and addresses with many orders or failed payments in a day; shops refunding a lot.
SELECT flag_date, subject_kind, subject, orders, failed_payments, refund_rate, reason
FROM {{ads.risk_flags}}
ORDER BY flag_date, subject_kind, subject
