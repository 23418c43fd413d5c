-- Orders and failed payments per day, the denominators of the flags.
SELECT order_date, count(*) AS orders, count(DISTINCT user_id) AS users, sum(failed_payments) AS failed_payments,
       count(*) FILTER (WHERE refund_amount > 0) AS refunded_orders
FROM {{dwd.order_detail}}
GROUP BY order_date
ORDER BY order_date
