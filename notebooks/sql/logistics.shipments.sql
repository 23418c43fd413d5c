-- Each shipped order from the order wide table: hours from order to shipping, and from the promise to delivery
-- (negative: early; null: not delivered yet or lost), for the distributions the daily buckets summarize.
SELECT order_id, carrier, region, ship_date, shipment_status,
       (unix_timestamp(shipped_at) - unix_timestamp(created_at)) / 3600.0 AS hours_to_ship,
       (unix_timestamp(delivered_at) - unix_timestamp(promised_at)) / 3600.0 AS delivery_delay_hours
FROM {{dwd.order_detail}}
WHERE shipped_at IS NOT NULL
ORDER BY order_id
