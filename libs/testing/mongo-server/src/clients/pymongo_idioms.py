"""Drives the Mongo test server with pymongo (a second driver) through the idioms the project's
read store uses, and prints what it observed as one JSON object for pymongo.client-spec.ts to
check. Usage: /usr/bin/python3 pymongo_idioms.py mongodb://127.0.0.1:PORT"""
import json
import sys

from pymongo import MongoClient, ReturnDocument, UpdateOne, InsertOne, ASCENDING, DESCENDING
from pymongo.errors import BulkWriteError, DuplicateKeyError, OperationFailure

client = MongoClient(sys.argv[1], serverSelectionTimeoutMS=5000)
db = client["pymongo_check"]
out = {"server_version": client.server_info()["version"]}

views = db["order_views"]
views.create_index([("orderId", ASCENDING)], unique=True, name="orderId_unique")
out["indexes"] = sorted(index["name"] for index in views.list_indexes())

# Upsert with a version guard, as the projector applies an event.
views.update_one({"orderId": "o-1"}, {"$setOnInsert": {"version": 1, "status": "v1", "placedBy": "c-1"}}, upsert=True)
for version in (2, 2, 3, 1):  # a repeat and a late one change nothing
    views.update_one({"orderId": "o-1", "version": {"$lt": version}}, {"$set": {"version": version, "status": "v%d" % version}})
out["guarded"] = views.find_one({"orderId": "o-1"}, {"_id": 0})

try:
    views.insert_one({"orderId": "o-1"})
    out["duplicate"] = None
except DuplicateKeyError as error:
    out["duplicate"] = {"code": error.code, "keyValue": error.details.get("keyValue")}

after = views.find_one_and_update({"orderId": "o-1"}, {"$inc": {"version": 1}}, projection={"_id": 0, "version": 1}, return_document=ReturnDocument.AFTER)
out["find_one_and_update"] = after

try:
    views.bulk_write([InsertOne({"orderId": "o-2"}), InsertOne({"orderId": "o-1"}), InsertOne({"orderId": "o-3"})], ordered=False)
    out["bulk"] = None
except BulkWriteError as error:
    out["bulk"] = {"inserted": error.details["nInserted"], "errors": [(e["index"], e["code"]) for e in error.details["writeErrors"]]}

views.bulk_write([UpdateOne({"orderId": "o-%d" % n}, {"$set": {"total": n * 10}}, upsert=True) for n in range(1, 201)])
out["count"] = views.count_documents({})
out["count_total_over_1000"] = views.count_documents({"total": {"$gt": 1000}})
cursor = views.find({}, {"_id": 0, "orderId": 1, "total": 1}).sort([("total", DESCENDING)]).batch_size(7)
out["sorted_first"] = [doc["orderId"] for doc in cursor.limit(3)]
out["iterated"] = sum(1 for _ in views.find({}).batch_size(7))
out["aggregate"] = list(views.aggregate([{"$match": {"total": {"$lte": 50}}}, {"$group": {"_id": None, "sum": {"$sum": "$total"}}}, {"$project": {"_id": 0}}]))
out["distinct_status"] = sorted(s for s in views.distinct("status") if s is not None)

# Rebuild: fill a shadow collection, then swap it in.
shadow = db["order_views_rebuild"]
shadow.insert_many([{"orderId": "r-%d" % n} for n in range(5)])
shadow.rename("order_views", dropTarget=True)
out["after_swap"] = views.count_documents({})
out["collections"] = sorted(db.list_collection_names())

try:
    db.command("noSuchCommand")
    out["unknown_command"] = None
except OperationFailure as error:
    out["unknown_command"] = error.code

views.delete_many({"orderId": {"$in": ["r-0", "r-1"]}})
out["after_delete"] = views.count_documents({})
# BSON number types: Python sends 1.0 as a double, 5 as an int32, 2**40 as an int64.
numbers = db["numbers"]
numbers.insert_many([{"_id": "float", "n": 1.0}, {"_id": "int", "n": 5}, {"_id": "long", "n": 2**40}])
out["types"] = {t: sorted(d["_id"] for d in numbers.find({"n": {"$type": t}})) for t in ("double", "int", "long", "number")}
out["types_back"] = {d["_id"]: type(d["n"]).__name__ for d in numbers.find()}

client.drop_database("pymongo_check")
out["databases_after_drop"] = "pymongo_check" in client.list_database_names()
print(json.dumps(out))
