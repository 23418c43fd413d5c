-- PV, UV, sessions and the funnel view -> cart -> order -> pay per shop and hour.
SELECT session_hour, shop_id, shop_name, pv, uv, sessions, cart_sessions, order_sessions, pay_sessions, cart_rate,
       order_rate, conversion_rate
FROM {{ads.traffic_hourly}}
ORDER BY session_hour, shop_id
