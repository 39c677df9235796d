"""Following up intent customers (意向客户跟进): contacts and levels, the contact table
(意向客户接触状况表), the customer card and the table's export."""
