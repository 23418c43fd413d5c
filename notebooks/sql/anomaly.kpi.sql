-- The hourly KPIs the anomaly checks watch: GMV, orders and page views per hour.
SELECT hour, gmv, orders, pv
FROM {{ads.kpi_hourly}}
ORDER BY hour
