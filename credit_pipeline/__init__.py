"""Data pipeline of a city public credit information platform (公共信用信息平台)."""
