-- ads.kpi_hourly against the raw tables, recomputed here without the specs' layers: an order counts to GMV when
-- it is paid, shipped or delivered, as ODS keeps it (user and shop known, created no later than updated); page
-- views are counted per hour of their session's first event.
WITH orders AS (
  SELECT date_trunc('HOUR', created_at) AS hour, count(*) AS orders,
         coalesce(sum(amount) FILTER (WHERE lower(status) IN ('paid', 'shipped', 'delivered')), 0) AS gmv
  FROM {{raw.orders}}
  WHERE user_id IS NOT NULL AND shop_id IS NOT NULL AND created_at <= updated_at
  GROUP BY 1
), views AS (
  SELECT session_hour AS hour, sum(views) AS pv
  FROM (SELECT date_trunc('HOUR', min(event_time)) AS session_hour,
               count(*) FILTER (WHERE lower(page) = 'view') AS views
        FROM {{raw.page_views}} GROUP BY session_id)
  GROUP BY 1
), raw AS (
  SELECT coalesce(o.hour, v.hour) AS hour, coalesce(o.gmv, 0) AS gmv, coalesce(o.orders, 0) AS orders,
         coalesce(v.pv, 0) AS pv
  FROM orders o FULL JOIN views v ON v.hour = o.hour
)
SELECT coalesce(k.hour, r.hour) AS hour, k.gmv AS ads_gmv, r.gmv AS raw_gmv, k.orders AS ads_orders,
       r.orders AS raw_orders, k.pv AS ads_pv, r.pv AS raw_pv
FROM {{ads.kpi_hourly}} k FULL JOIN raw r ON r.hour = k.hour
ORDER BY 1
