"""Campaigns (调查轮次): a survey round of an area, its period, its lines and its stages."""
